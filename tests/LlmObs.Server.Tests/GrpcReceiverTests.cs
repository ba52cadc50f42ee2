using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using LlmObs.Server.Storage;
using LlmObs.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests;

/// <summary>OTLP/gRPC on its own port (<c>LlmObs:GrpcPort</c>), beside the HTTP port from <c>urls</c>, over real Kestrel.</summary>
public sealed class GrpcReceiverTests : IAsyncDisposable
{
    private readonly TempDirectory _data = new();
    private readonly int _grpcPort = LlmObsServer.FreePort();
    private readonly LlmObsServer _server;
    private readonly GrpcChannel _channel;

    public GrpcReceiverTests()
    {
        _server = LlmObsServer.StartOnKestrelWithUrls(_data.Path, "http://127.0.0.1:0",
            new Dictionary<string, string?> { ["LlmObs:GrpcPort"] = _grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            FaultyStore.Install);
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_grpcPort}");
    }

    [Fact]
    public async Task Both_ports_are_bound_the_http_one_from_urls_and_the_grpc_one_from_settings()
    {
        Assert.Equal(2, _server.Addresses.Count);
        Assert.Contains(_server.Addresses, a => a.EndsWith($":{_grpcPort}", StringComparison.Ordinal));
        using var health = await _server.Client.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.True(health.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Trace_export_over_grpc_is_stored()
    {
        var traceId = NewTraceId();
        var client = new TraceService.TraceServiceClient(_channel);

        var reply = await client.ExportAsync(Request("grpc-svc", Span(traceId, NewSpanId(), "GET /grpc")), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Null(reply.PartialSuccess);
        var span = Assert.Single((await _server.GetTraceAsync(Hex(traceId))).Spans);
        Assert.Equal("GET /grpc", span.Name);
        Assert.Equal("grpc-svc", span.ServiceName);
    }

    [Fact]
    public async Task Spans_with_bad_ids_are_counted_in_the_grpc_partial_success()
    {
        var traceId = NewTraceId();
        var client = new TraceService.TraceServiceClient(_channel);

        var reply = await client.ExportAsync(
            Request("grpc-svc", Span(traceId, NewSpanId(), "good"), Span(traceId, NewSpanId()[..3], "bad")),
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, reply.PartialSuccess.RejectedSpans);
        Assert.Equal("good", Assert.Single((await _server.GetTraceAsync(Hex(traceId))).Spans).Name);
    }

    [Fact]
    public async Task Refused_grpc_export_fails_with_unavailable_so_the_exporter_retries()
    {
        _server.Services.GetRequiredService<FaultyStore>().Failure = new StoreQueueFullException();
        var client = new TraceService.TraceServiceClient(_channel);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ExportAsync(Request("grpc-svc", Span(NewTraceId(), NewSpanId(), "GET /")), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(Grpc.Core.StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task Logs_and_metrics_exports_over_grpc_are_accepted()
    {
        var logs = await new LogsService.LogsServiceClient(_channel).ExportAsync(new ExportLogsServiceRequest(), cancellationToken: TestContext.Current.CancellationToken);
        var metrics = await new MetricsService.MetricsServiceClient(_channel).ExportAsync(new ExportMetricsServiceRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Null(logs.PartialSuccess);
        Assert.Null(metrics.PartialSuccess);
    }

    [Fact]
    public async Task Spans_from_the_OpenTelemetry_exporter_over_grpc_are_stored()
    {
        var sourceName = "Tests.Grpc." + Guid.NewGuid().ToString("N")[..8];
        string traceId;
        using (var source = new ActivitySource(sourceName))
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(sourceName)
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("grpc-exporter"))
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri($"http://127.0.0.1:{_grpcPort}");
                o.Protocol = OtlpExportProtocol.Grpc;
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            Activity.Current = null;
            using (var activity = source.StartActivity("chat gpt-4o-mini", ActivityKind.Client)!)
            {
                activity.SetTag("gen_ai.operation.name", "chat");
                activity.SetTag("gen_ai.provider.name", "openai");
                activity.SetTag("gen_ai.request.model", "gpt-4o-mini");
                activity.SetTag("gen_ai.usage.input_tokens", 100);
                activity.SetTag("gen_ai.usage.output_tokens", 10);
                traceId = activity.TraceId.ToHexString();
            }

            Assert.True(provider.ForceFlush());
        }

        var span = Assert.Single((await _server.GetTraceAsync(traceId)).Spans);
        Assert.Equal("grpc-exporter", span.ServiceName);
        Assert.Equal(100, span.Llm?.InputTokens);
        Assert.Equal("server", span.Llm?.CostSource);
    }

    [Fact]
    public async Task The_http_port_does_not_serve_grpc_and_the_grpc_port_does_not_serve_the_api()
    {
        using var viaGrpcPort = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_grpcPort}") };

        // The gRPC port speaks HTTP/2 only: an HTTP/1.1 request is not answered as the API would answer it.
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => viaGrpcPort.GetStringAsync("/health", TestContext.Current.CancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
        _data.Dispose();
    }
}
