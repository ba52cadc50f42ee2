using LlmObs.Hosting;
using LlmObs.Pricing;
using LlmObs.Redaction;
using LlmObs.Sampling;
using LlmObs.Semantics;
using LlmObs.Tracing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Service defaults for an application traced by LlmObs: OpenTelemetry (logs, metrics, traces) exported to the
/// endpoint the AppHost gives it, LLM span sources, service discovery, resilience and health checks.
/// </summary>
public static class LlmObservabilityHostingExtensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>
    /// Adds OpenTelemetry with the LlmObs sources, service discovery, HTTP resilience and health checks, and reads
    /// the <c>LlmObs</c> configuration section (<see cref="LlmObsOptions"/>: content mode, redaction, user id hash key,
    /// prices) as the defaults of every <c>UseLlmTracing()</c> pipeline.
    /// Use it instead of (or beside) the template's <c>AddServiceDefaults()</c>.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static TBuilder AddLlmObservabilityDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        var section = builder.Configuration.GetSection(LlmObsOptions.SectionName);
        var llmobs = new LlmObsOptions();
        section.Bind(llmobs);
        builder.Services.Configure<LlmObsOptions>(section);

        // Process-wide rather than per container: retrieval spans, tool spans and LlmObsContext have no container to ask.
        ContentPolicy.Default = new ContentPolicy(
            llmobs.Content ?? ContentPolicy.DefaultMode(builder.Environment.IsDevelopment()),
            new PiiRedactor(llmobs.Redaction),
            ContentPolicy.UserIdRedactorFor(llmobs.UserIdHashKey));
        LlmObsPricing.Catalog = llmobs.Pricing.ApplyTo(PriceCatalog.Default);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            // Offline evaluation results belong to the span they judge, not to whatever span is current when they are logged.
            logging.AddProcessor(new LlmObs.Evaluation.Telemetry.EvaluationLogCorrelationProcessor());
        });

        var otel = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddLlmObservabilityInstrumentation())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(aspnet =>
                    aspnet.Filter = context => !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation()
                .AddLlmObservabilityInstrumentation());

        if (llmobs.Sampling is { } sampling)
        {
            otel.WithTracing(tracing => tracing.SetSampler(new LlmObsSampler(sampling)));
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>
    /// Subscribes the tracer provider to the spans LlmObs creates and configures (chat, embeddings, tools, retrieval,
    /// rerank), adds the processor that redacts their content, and puts the currency of their costs
    /// (<c>llmobs.cost.currency</c>) on the resource. Works in any app with the OpenTelemetry SDK, Aspire
    /// or not. Call it before adding exporters: processors run in the order they are added, and the redaction must
    /// come first. Without it (a bare <c>AddSource("LlmObs")</c>), pipelines in <c>Redacted</c> mode record no content.
    /// </summary>
    /// <param name="tracing">The tracer provider builder.</param>
    /// <returns>The <paramref name="tracing"/> builder, for chaining.</returns>
    public static TracerProviderBuilder AddLlmObservabilityInstrumentation(this TracerProviderBuilder tracing)
    {
        ArgumentNullException.ThrowIfNull(tracing);
        return tracing
            .AddSource(LlmObsTelemetry.SourceName)
            .ConfigureResource(resource => resource.AddAttributes([new(LlmObsAttributes.CostCurrency, "USD")]))
            .AddProcessor(new ContentRedactionProcessor());
    }

    /// <summary>Subscribes the meter provider to LlmObs's <c>llmobs.cost</c> and <c>llmobs.tokens</c> counters and MEAI's GenAI metrics.</summary>
    /// <param name="metrics">The meter provider builder.</param>
    /// <returns>The <paramref name="metrics"/> builder, for chaining.</returns>
    public static MeterProviderBuilder AddLlmObservabilityInstrumentation(this MeterProviderBuilder metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return metrics.AddMeter(LlmObsTelemetry.SourceName);
    }

    /// <summary>
    /// Maps <c>/health</c> (all checks) and <c>/alive</c> (liveness checks) in development, where the AppHost polls them.
    /// </summary>
    /// <param name="app">The web application.</param>
    /// <returns>The <paramref name="app"/>, for chaining.</returns>
    public static WebApplication MapLlmObservabilityDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Environment.IsDevelopment())
        {
            app.MapHealthChecks(HealthEndpointPath);
            app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") });
        }

        return app;
    }
}
