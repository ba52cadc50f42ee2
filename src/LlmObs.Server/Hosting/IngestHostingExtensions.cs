using LlmObs.Pricing;
using LlmObs.Server.Auth;
using LlmObs.Server.Forwarding;
using LlmObs.Server.Ingest;
using LlmObs.Server.Normalization;
using LlmObs.Server.Otlp;
using LlmObs.Server.Otlp.Grpc;
using LlmObs.Server.Otlp.Http;
using LlmObs.Server.Redaction;
using LlmObs.Server.Storage;
using LlmObs.Server.Storage.Content;
using Microsoft.Extensions.Options;

namespace LlmObs.Server.Hosting;

/// <summary>Everything that receives telemetry: OTLP/HTTP (protobuf and JSON), OTLP/gRPC, normalisation, the gateway.</summary>
internal static class IngestHostingExtensions
{
    public static WebApplicationBuilder AddOtlpIngest(this WebApplicationBuilder builder, LlmObsServerOptions options)
    {
        var services = builder.Services;
        // The bundled catalog with LlmObs:Pricing's prices and aliases, the same section the services read: the AppHost
        // gives both the same values, so a span is priced alike wherever it is priced.
        var pricing = builder.Configuration.GetSection("LlmObs:Pricing").Get<PricingOptions>() ?? new PricingOptions();
        services.AddSingleton(pricing.ApplyTo(PriceCatalog.Default));
        services.AddSingleton<LlmSpanNormalizer>();
        // Large values are moved out of the attributes as they are written, by the store's rule (LlmObs:Storage).
        services.AddSingleton(sp => new OtlpSpanMapper(
            sp.GetRequiredService<LlmSpanNormalizer>(),
            new LargeValueSplitter(sp.GetRequiredService<IOptions<StorageOptions>>().Value.LargeValueBytes)));
        services.AddSingleton<OtlpHttpBodyReader>();
        services.AddSingleton<GatewayEnricher>();
        services.AddSingleton(IngestRedactor.Create(builder.Configuration, options)); // LlmObs:Redaction, before store and forwarder
        services.AddSingleton<TraceIngestPipeline>();
        services.AddSingleton<OtlpForwarder>();
        services.AddHostedService(sp => sp.GetRequiredService<OtlpForwarder>());

        services.AddSingleton<ServerExposure>();
        services.AddSingleton<ApiKeyPolicy>();
        services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ApiKeyGrpcInterceptor>();
            // gRPC's own default (4 MB) would refuse exports the HTTP receiver takes.
            grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, options.MaxRequestBytes);
        });
        if (options.GrpcPort is { } grpcPort)
        {
            builder.WebHost.ConfigureKestrel(kestrel => KestrelEndpoints.AddGrpcPort(kestrel, builder.Configuration, grpcPort));
        }

        return builder;
    }

    public static WebApplication MapOtlpIngest(this WebApplication app, LlmObsServerOptions options)
    {
        // Before every endpoint, the query API's included: see ApiKeyPolicy for who needs the key.
        app.UseMiddleware<ApiKeyMiddleware>();
        app.MapOtlpHttp();
        if (options.GrpcPort is { } grpcPort)
        {
            // Only on the gRPC port: the HTTP port answers HTTP/1.1 and has no business serving gRPC.
            var host = $"*:{grpcPort}";
            app.MapGrpcService<TraceGrpcService>().RequireHost(host);
            app.MapGrpcService<LogsGrpcService>().RequireHost(host);
            app.MapGrpcService<MetricsGrpcService>().RequireHost(host);
        }

        return app;
    }
}
