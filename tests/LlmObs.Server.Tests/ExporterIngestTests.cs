using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using LlmObs.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlmObs.Server.Tests;

/// <summary>
/// What a .NET service sees: telemetry made by the real OpenTelemetry SDK and OTLP exporter (http/protobuf),
/// read back through the query API.
/// </summary>
public sealed class ExporterIngestTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    // gpt-4o-mini in src/LlmObs.ServiceDefaults/Pricing/price-catalog.json, per token.
    private const double Gpt4oMiniInput = 1.5e-7;
    private const double Gpt4oMiniCachedInput = 7.5e-8;
    private const double Gpt4oMiniOutput = 6e-7;

    private LlmObsServer Server => fixture.Server;

    [Fact]
    public async Task Exported_trace_keeps_its_span_tree_names_service_and_attributes()
    {
        var service = UniqueServiceName();
        using var exporter = new ExportedTelemetry(Server, service);

        var traceId = exporter.TraceRagRequest(chatAttributes: MeaiChatAttributes());

        var trace = await Server.GetTraceAsync(traceId);
        Assert.Equal(traceId, trace.TraceId);
        Assert.Equal(2, trace.Spans.Count);

        var root = trace.Span("POST /ask");
        var chat = trace.Span("chat gpt-4o-mini");
        Assert.Null(root.ParentSpanId);
        Assert.Equal(root.SpanId, chat.ParentSpanId);
        Assert.All(trace.Spans, s => Assert.Equal(service, s.ServiceName));
        Assert.All(trace.Spans, s => Assert.Equal(exporter.SourceName, s.ScopeName));
        Assert.Equal(2, root.Kind); // SPAN_KIND_SERVER
        Assert.Equal(3, chat.Kind); // SPAN_KIND_CLIENT
        Assert.Null(root.Llm);

        Assert.Equal("POST", root.Attributes.GetProperty("http.request.method").GetString());
        Assert.Equal(200, root.Attributes.GetProperty("http.response.status_code").GetInt32());
        Assert.Equal("chat", chat.Attributes.GetProperty("gen_ai.operation.name").GetString());
        Assert.Equal("openai", chat.Attributes.GetProperty("gen_ai.provider.name").GetString());
        Assert.Equal(JsonValueKind.Number, chat.Attributes.GetProperty("gen_ai.usage.input_tokens").ValueKind);
        Assert.Equal(1200, chat.Attributes.GetProperty("gen_ai.usage.input_tokens").GetInt64());
        Assert.Equal("stop", Assert.Single(chat.Attributes.GetProperty("gen_ai.response.finish_reasons").EnumerateArray()).GetString());

        Assert.All(exporter.Recorder.Exchanges, e =>
        {
            Assert.Equal("/v1/traces", e.Path);
            Assert.Equal(200, e.StatusCode);
            Assert.Equal(LlmObsServer.ProtobufContentType, e.ResponseContentType);
        });
    }

    [Fact]
    public async Task Chat_span_without_a_cost_is_priced_by_the_server_from_the_bundled_catalog()
    {
        using var exporter = new ExportedTelemetry(Server, UniqueServiceName());

        var traceId = exporter.TraceRagRequest(chatAttributes: MeaiChatAttributes());

        var llm = (await Server.GetTraceAsync(traceId)).Span("chat gpt-4o-mini").Llm;
        Assert.NotNull(llm);
        Assert.Equal("llm", llm.SpanKind);
        Assert.Equal("chat", llm.Operation);
        Assert.Equal("openai", llm.Provider);
        Assert.Equal("gpt-4o-mini", llm.Model);
        Assert.Equal(1200, llm.InputTokens);
        Assert.Equal(300, llm.OutputTokens);
        Assert.Equal(1024, llm.CacheReadTokens);
        Assert.Equal("server", llm.CostSource);

        // Cached tokens are part of the 1200 input tokens and are priced at the cache-read rate, not twice.
        var expected = (1200 - 1024) * Gpt4oMiniInput + 1024 * Gpt4oMiniCachedInput + 300 * Gpt4oMiniOutput;
        Assert.Equal(expected, llm.CostUsd!.Value, 1e-12);
    }

    [Fact]
    public async Task A_call_that_carries_only_LlmObs_hashed_user_counts_for_that_user()
    {
        // What UseLlmTracing exports under LlmObsContext.Begin(userId: …): the keyed hash, never the id.
        const string userHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        var service = UniqueServiceName();
        using var exporter = new ExportedTelemetry(Server, service);

        exporter.TraceRagRequest(chatAttributes: [.. MeaiChatAttributes(), new("user.hash", userHash)]);

        var ct = TestContext.Current.CancellationToken;
        using var calls = JsonDocument.Parse(await Server.Client.GetStringAsync($"/api/calls?service={service}&user={userHash}", ct));
        var call = Assert.Single(calls.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(userHash, call.GetProperty("user").GetString());
        using var byUser = JsonDocument.Parse(await Server.Client.GetStringAsync($"/api/aggregates/cost-by?by=user&service={service}", ct));
        var group = Assert.Single(byUser.RootElement.EnumerateArray());
        Assert.Equal(userHash, group.GetProperty("key").GetString());
        Assert.Equal(1, group.GetProperty("calls").GetInt64());
    }

    [Fact]
    public async Task Trace_list_shows_the_root_span_and_sums_the_tokens_and_cost_of_its_llm_calls()
    {
        var service = UniqueServiceName();
        using var exporter = new ExportedTelemetry(Server, service);

        var traceId = exporter.TraceRagRequest(chatAttributes: MeaiChatAttributes());

        var summary = Assert.Single(await Server.ListTracesAsync(service));
        Assert.Equal(traceId, summary.TraceId);
        Assert.Equal("POST /ask", summary.RootName);
        Assert.Equal(service, summary.ServiceName);
        Assert.Equal(2, summary.SpanCount);
        Assert.Equal(1, summary.LlmCalls);
        Assert.Equal(1200, summary.InputTokens);
        Assert.Equal(300, summary.OutputTokens);
        Assert.Equal((1200 - 1024) * Gpt4oMiniInput + 1024 * Gpt4oMiniCachedInput + 300 * Gpt4oMiniOutput, summary.CostUsd, 1e-12);
        Assert.False(summary.HasError);
    }

    [Fact]
    public async Task Chat_span_that_carries_its_own_cost_keeps_it_as_a_client_cost()
    {
        using var exporter = new ExportedTelemetry(Server, UniqueServiceName());

        var traceId = exporter.TraceRagRequest(chatAttributes: [.. MeaiChatAttributes(), new("llmobs.cost.total", 0.0042)]);

        var llm = (await Server.GetTraceAsync(traceId)).Span("chat gpt-4o-mini").Llm;
        Assert.NotNull(llm);
        Assert.Equal(0.0042, llm.CostUsd);
        Assert.Equal("client", llm.CostSource);
    }

    [Fact]
    public async Task Legacy_gen_ai_system_and_prompt_and_completion_tokens_are_normalised_and_priced()
    {
        using var exporter = new ExportedTelemetry(Server, UniqueServiceName());

        var traceId = exporter.TraceRagRequest(chatName: "openai.chat", chatAttributes:
        [
            new("gen_ai.system", "openai"),
            new("gen_ai.request.model", "gpt-3.5-turbo"),
            new("gen_ai.usage.prompt_tokens", 1000),
            new("gen_ai.usage.completion_tokens", 200),
        ]);

        var llm = (await Server.GetTraceAsync(traceId)).Span("openai.chat").Llm;
        Assert.NotNull(llm);
        Assert.Equal("llm", llm.SpanKind);
        Assert.Equal("openai", llm.Provider);
        Assert.Equal("gpt-3.5-turbo", llm.Model);
        Assert.Equal(1000, llm.InputTokens);
        Assert.Equal(200, llm.OutputTokens);
        Assert.Equal("server", llm.CostSource);
        Assert.Equal(1000 * 5e-7 + 200 * 1.5e-6, llm.CostUsd!.Value, 1e-12); // gpt-3.5-turbo in the catalog
    }

    [Fact]
    public async Task Chat_span_with_a_model_missing_from_the_catalog_keeps_its_tokens_and_gets_no_cost()
    {
        using var exporter = new ExportedTelemetry(Server, UniqueServiceName());

        var traceId = exporter.TraceRagRequest(chatName: "chat contoso-private-finetune", chatAttributes:
        [
            new("gen_ai.operation.name", "chat"),
            new("gen_ai.provider.name", "openai"),
            new("gen_ai.response.model", "contoso-private-finetune"),
            new("gen_ai.usage.input_tokens", 50),
            new("gen_ai.usage.output_tokens", 5),
        ]);

        var llm = (await Server.GetTraceAsync(traceId)).Span("chat contoso-private-finetune").Llm;
        Assert.NotNull(llm);
        Assert.Equal(50, llm.InputTokens);
        Assert.Equal(5, llm.OutputTokens);
        Assert.Null(llm.CostUsd);
        Assert.Null(llm.CostSource);
    }

    [Fact]
    public async Task Failed_llm_call_marks_its_span_and_its_trace_as_failed()
    {
        var service = UniqueServiceName();
        using var exporter = new ExportedTelemetry(Server, service);

        var traceId = exporter.TraceRagRequest(MeaiChatAttributes(), onChat: chat => chat.SetStatus(ActivityStatusCode.Error, "429 Too Many Requests"));

        var chat = (await Server.GetTraceAsync(traceId)).Span("chat gpt-4o-mini");
        Assert.Equal(2, chat.StatusCode); // STATUS_CODE_ERROR
        Assert.Equal("429 Too Many Requests", chat.StatusMessage);
        Assert.True(Assert.Single(await Server.ListTracesAsync(service)).HasError);
    }

    [Fact]
    public async Task Span_events_are_served_with_their_name_time_and_attributes()
    {
        using var exporter = new ExportedTelemetry(Server, UniqueServiceName());
        var eventTime = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var traceId = exporter.TraceRagRequest(MeaiChatAttributes(), onChat: chat => chat.AddEvent(new ActivityEvent(
            "gen_ai.evaluation.result",
            eventTime,
            new ActivityTagsCollection { ["gen_ai.evaluation.name"] = "relevance", ["gen_ai.evaluation.score.value"] = 0.8 })));

        var events = (await Server.GetTraceAsync(traceId)).Span("chat gpt-4o-mini").Events;
        Assert.NotNull(events);
        var evaluation = Assert.Single(events.Value.EnumerateArray());
        Assert.Equal("gen_ai.evaluation.result", evaluation.GetProperty("name").GetString());
        Assert.Equal(eventTime, evaluation.GetProperty("time").GetDateTimeOffset());
        Assert.Equal("relevance", evaluation.GetProperty("attributes").GetProperty("gen_ai.evaluation.name").GetString());
        Assert.Equal(0.8, evaluation.GetProperty("attributes").GetProperty("gen_ai.evaluation.score.value").GetDouble());
    }

    [Fact]
    public void Logs_from_the_OpenTelemetry_exporter_are_accepted()
    {
        using var exporter = new ExportedTelemetry(Server, UniqueServiceName());

        exporter.Log("Answered a question about {Topic}", "pricing");

        var exchange = Assert.Single(exporter.Recorder.Exchanges);
        Assert.Equal("/v1/logs", exchange.Path);
        Assert.Equal(LlmObsServer.ProtobufContentType, exchange.RequestContentType);
        Assert.Equal(200, exchange.StatusCode);
        Assert.Equal(LlmObsServer.ProtobufContentType, exchange.ResponseContentType);
    }

    [Fact]
    public void Metrics_from_the_OpenTelemetry_exporter_are_accepted()
    {
        using var exporter = new ExportedTelemetry(Server, UniqueServiceName());

        var flushed = exporter.RecordTokenUsage(1500);

        // The flush exports once and shutting the meter provider down exports the cumulative sum again.
        Assert.True(flushed, "The metric reader reported a failed export.");
        Assert.NotEmpty(exporter.Recorder.Exchanges);
        Assert.All(exporter.Recorder.Exchanges, exchange =>
        {
            Assert.Equal("/v1/metrics", exchange.Path);
            Assert.Equal(LlmObsServer.ProtobufContentType, exchange.RequestContentType);
            Assert.Equal(200, exchange.StatusCode);
            Assert.Equal(LlmObsServer.ProtobufContentType, exchange.ResponseContentType);
        });
    }

    private static string UniqueServiceName() => "svc-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The tags Microsoft.Extensions.AI's OpenTelemetryChatClient puts on a chat span (no cost: MEAI has none).</summary>
    private static KeyValuePair<string, object?>[] MeaiChatAttributes() =>
    [
        new("gen_ai.operation.name", "chat"),
        new("gen_ai.provider.name", "openai"),
        new("gen_ai.request.model", "gpt-4o-mini"),
        new("gen_ai.response.model", "gpt-4o-mini"),
        new("gen_ai.response.id", "chatcmpl-123"),
        new("gen_ai.response.finish_reasons", new[] { "stop" }),
        new("gen_ai.usage.input_tokens", 1200),
        new("gen_ai.usage.output_tokens", 300),
        new("gen_ai.usage.cache_read.input_tokens", 1024),
        new("server.address", "api.openai.com"),
    ];

    /// <summary>
    /// An OpenTelemetry SDK set up as a service would be, exporting http/protobuf to the test server one item at a time
    /// (simple processors), so every export has been answered by the time the telemetry call returns.
    /// </summary>
    private sealed class ExportedTelemetry : IDisposable
    {
        private readonly LlmObsServer _server;
        private readonly string _serviceName;
        private readonly HttpClient _client;

        public ExportedTelemetry(LlmObsServer server, string serviceName)
        {
            _server = server;
            _serviceName = serviceName;
            _client = server.CreateExporterClient(out var recorder);
            Recorder = recorder;
            SourceName = "Tests." + serviceName;
        }

        public RecordingHandler Recorder { get; }

        public string SourceName { get; }

        /// <summary>Records an HTTP server span with one child LLM span; returns the trace id.</summary>
        public string TraceRagRequest(KeyValuePair<string, object?>[] chatAttributes, string chatName = "chat gpt-4o-mini", Action<Activity>? onChat = null)
        {
            using var source = new ActivitySource(SourceName);
            using var tracerProvider = Sdk.CreateTracerProviderBuilder()
                .AddSource(SourceName)
                .SetResourceBuilder(Resource())
                .AddOtlpExporter(o => Configure(o, "/v1/traces"))
                .Build();

            Activity.Current = null;
            string traceId;
            using (var root = source.StartActivity("POST /ask", ActivityKind.Server)!)
            {
                root.SetTag("http.request.method", "POST");
                root.SetTag("url.path", "/ask");
                traceId = root.TraceId.ToHexString();
                using (var chat = source.StartActivity(chatName, ActivityKind.Client, parentContext: default, tags: chatAttributes)!)
                {
                    onChat?.Invoke(chat);
                }

                root.SetTag("http.response.status_code", 200);
            }

            Assert.True(tracerProvider.ForceFlush(), "The tracer provider did not flush.");
            return traceId;
        }

        public void Log(string template, string argument)
        {
            using var loggerFactory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
            {
                otel.SetResourceBuilder(Resource());
                otel.AddOtlpExporter(o => Configure(o, "/v1/logs"));
            }));
#pragma warning disable CA2254 // the template is the test's input
            loggerFactory.CreateLogger("Tests").LogInformation(template, argument);
#pragma warning restore CA2254
        }

        public bool RecordTokenUsage(long tokens)
        {
            using var meter = new Meter(SourceName);
            using var meterProvider = Sdk.CreateMeterProviderBuilder()
                .AddMeter(SourceName)
                .SetResourceBuilder(Resource())
                .AddOtlpExporter((o, _) => Configure(o, "/v1/metrics"))
                .Build();
            meter.CreateCounter<long>("gen_ai.client.token.usage").Add(tokens);
            return meterProvider.ForceFlush();
        }

        private ResourceBuilder Resource() => ResourceBuilder.CreateEmpty().AddService(_serviceName);

        private void Configure(OtlpExporterOptions options, string path)
        {
            options.Endpoint = new Uri(_server.BaseAddress, path);
            options.Protocol = OtlpExportProtocol.HttpProtobuf;
            options.HttpClientFactory = () => _client;
            options.ExportProcessorType = ExportProcessorType.Simple;
        }

        public void Dispose() => _client.Dispose();
    }
}
