using System.Diagnostics;
using System.Globalization;
using LlmObs.Redaction;
using LlmObs.Semantics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Xunit;

namespace LlmObs.ServiceDefaults.Tests.Tracing;

/// <summary>
/// UseLlmTracing writes the spans of calls without captured content itself (ChatSpan) rather than through
/// Microsoft.Extensions.AI's OpenTelemetryChatClient. Each case here runs one call both ways and requires the same span
/// — name, kind, status, every attribute with its value and type — apart from LlmObs's own attributes, the same
/// GenAI metrics, and the same log. A new MEAI version that writes something more fails here first.
/// </summary>
public sealed class ChatSpanParityTests
{
    private const string ReferenceSource = "MeaiReference";

    // What LlmObs adds; everything else on the span must be MEAI's, as MEAI writes it.
    private static readonly HashSet<string> LlmObsOnly =
    [
        GenAiAttributes.UsageCost, GenAiAttributes.CacheCreationTokens, LlmObsAttributes.UserHash,
    ];

    private static readonly ChatClientMetadata OpenAi = new("openai", new Uri("https://api.openai.com:8443/v1"), "gpt-4o-mini");

    public static TheoryData<string> Cases() => [.. Scenarios.Keys];

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        ["plain"] = new(OpenAi, null, _ => Answer(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")))),
        ["every request option"] = new(OpenAi, new ChatOptions
        {
            ModelId = "gpt-4o", ConversationId = "conv-1", Temperature = 0.3f, MaxOutputTokens = 256, TopP = 0.95f, TopK = 20,
            Seed = 42, FrequencyPenalty = 0.5f, PresencePenalty = -0.25f, StopSequences = ["END", "\"quoted\""],
            ResponseFormat = ChatResponseFormat.Json,
        }, _ => Answer(Full(ChatFinishReason.Stop))),
        ["text format, length finish"] = new(OpenAi, new ChatOptions { ResponseFormat = ChatResponseFormat.Text, StopSequences = [] }, _ => Answer(Full(ChatFinishReason.Length))),
        ["json schema format, tool-call finish"] = new(OpenAi, new ChatOptions
        {
            ResponseFormat = ChatResponseFormat.ForJsonSchema(System.Text.Json.JsonDocument.Parse("""{"type":"object"}""").RootElement, "answer"),
        }, _ => Answer(Full(ChatFinishReason.ToolCalls))),
        ["content filter and an unknown finish"] = new(OpenAi, null, _ => Answer(Full(new ChatFinishReason("Refused_By_Policy")))),
        ["cached and reasoning tokens"] = new(OpenAi, null, _ => Answer(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
        {
            ModelId = "o3-2025-04-16", ResponseId = "resp_1", FinishReason = ChatFinishReason.ContentFilter,
            Usage = new UsageDetails { InputTokenCount = 3_000, CachedInputTokenCount = 2_048, OutputTokenCount = 900, ReasoningTokenCount = 700, TotalTokenCount = 3_900 },
        })),
        ["blank response id, no usage"] = new(OpenAi, null, _ => Answer(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { ResponseId = "  ", ModelId = "gpt-4o-mini" })),
        ["no metadata, no model"] = new(null, null, _ => Answer(Full(ChatFinishReason.Stop))),
        ["provider without an address"] = new(new ChatClientMetadata("ollama"), new ChatOptions { ModelId = " " }, _ => Answer(Full(ChatFinishReason.Stop))),
        ["provider error"] = new(OpenAi, null, _ => Task.FromException<ChatResponse>(new HttpRequestException("429 Too Many Requests"))),
        ["provider error thrown before any task"] = new(OpenAi, null, _ => throw new InvalidOperationException("bad request")),
        ["cancelled"] = new(OpenAi, null, _ => Task.FromCanceled<ChatResponse>(new CancellationToken(canceled: true))),
        ["answer after a delay"] = new(OpenAi, null, async _ =>
        {
            await Task.Delay(5);
            return Full(ChatFinishReason.Stop);
        }),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_call_without_content_gets_the_span_metrics_and_log_that_MEAI_would_write(string name)
    {
        var scenario = Scenarios[name];
        var (reference, referenceMetrics, referenceLog) = await Run(scenario, llmObs: false);
        var (ours, ourMetrics, ourLog) = await Run(scenario, llmObs: true);

        Assert.Equal(reference.DisplayName, ours.DisplayName);
        Assert.Equal(reference.Kind, ours.Kind);
        Assert.Equal(reference.Status, ours.Status);
        Assert.Equal(reference.StatusDescription, ours.StatusDescription);
        Assert.Equal(Describe(reference, keepLlmObs: false), Describe(ours, keepLlmObs: false));
        Assert.Equal(referenceMetrics, ourMetrics);
        Assert.Equal(referenceLog, ourLog);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("answer after a delay")]
    [InlineData("provider error")]
    [InlineData("provider error thrown before any task")]
    public async Task The_callers_span_is_current_again_after_the_call_however_the_provider_answers(string name)
    {
        var scenario = Scenarios[name];
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource("LlmObs", "Caller").AddInMemoryExporter(spans).Build()!;
        using var callerSource = new ActivitySource("Caller");
        using var client = new ChatClientBuilder(new ScriptedChatClient(scenario.Metadata, scenario.Answer))
            .UseLlmTracing(o => o.Content = ContentMode.Off).Build();

        using var request = callerSource.StartActivity("POST /ask");
        var call = client.GetResponseAsync("What is the refund window?", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Same(request, Activity.Current); // before awaiting: spans the caller starts now are not the call's children
        try
        {
            await call;
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
        {
        }

        Assert.Same(request, Activity.Current);
        var chat = Assert.Single(spans, s => s.Source.Name == "LlmObs");
        Assert.Equal(request!.SpanId, chat.ParentSpanId);
    }

    [Fact]
    public async Task No_messages_is_an_argument_error_in_the_task_and_no_span_either_way()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource("LlmObs", ReferenceSource).AddInMemoryExporter(spans).Build()!;
        var provider = new ScriptedChatClient(OpenAi, _ => Answer(Full(ChatFinishReason.Stop)));
        using var reference = new ChatClientBuilder(provider).UseOpenTelemetry(sourceName: ReferenceSource).Build();
        using var ours = new ChatClientBuilder(provider).UseLlmTracing(o => o.Content = ContentMode.Off).Build();

        foreach (var client in new[] { reference, ours })
        {
            var call = client.GetResponseAsync((IEnumerable<ChatMessage>)null!, cancellationToken: TestContext.Current.CancellationToken);
            await Assert.ThrowsAsync<ArgumentNullException>(() => call);
        }

        Assert.Empty(spans);
    }

    [Fact]
    public async Task Calls_traced_either_way_feed_one_stream_of_each_GenAI_metric()
    {
        var metrics = new List<Metric>();
        using var meters = Sdk.CreateMeterProviderBuilder().AddLlmObservabilityInstrumentation().AddInMemoryExporter(metrics).Build()!;
        using var tracing = Sdk.CreateTracerProviderBuilder().AddLlmObservabilityInstrumentation().Build()!;
        var fake = new FakeChatClient { Chunks = { FakeChatClient.Text("Hi"), FakeChatClient.Usage(10, 2) } };
        using var client = new ChatClientBuilder(fake).UseLlmTracing(o => o.Content = ContentMode.Off).Build();

        await client.GetResponseAsync("one", cancellationToken: TestContext.Current.CancellationToken); // written by LlmObs
        await foreach (var _ in client.GetStreamingResponseAsync("two", cancellationToken: TestContext.Current.CancellationToken)) // by MEAI
        {
        }

        meters.ForceFlush();
        var durations = Assert.Single(metrics, m => m.Name == "gen_ai.client.operation.duration");
        long count = 0;
        foreach (ref readonly var point in durations.GetMetricPoints())
        {
            count += point.GetHistogramCount();
        }

        Assert.Equal(2, count);
        Assert.Single(metrics, m => m.Name == "gen_ai.client.token.usage");
    }

    private static async Task<(Activity Span, List<string> Metrics, List<string> Log)> Run(Scenario scenario, bool llmObs)
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var source = llmObs ? "LlmObs" : ReferenceSource;
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(source).AddInMemoryExporter(spans).Build()!;
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(source).AddInMemoryExporter(metrics).Build()!;
        var log = new LogCapture();
        using var services = new ServiceCollection().AddLogging(b => b.AddProvider(log)).BuildServiceProvider();

        var provider = new ScriptedChatClient(scenario.Metadata, scenario.Answer);
        var builder = new ChatClientBuilder(provider);
        builder = llmObs ? builder.UseLlmTracing(o => o.Content = ContentMode.Off) : builder.UseOpenTelemetry(sourceName: ReferenceSource);
        using var client = builder.Build(services);

        try
        {
            await client.GetResponseAsync("What is the refund window?", scenario.Options, TestContext.Current.CancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or OperationCanceledException)
        {
        }

        meters.ForceFlush();
        return (Assert.Single(spans), DescribeMetrics(metrics), log.Entries);
    }

    private static List<string> Describe(Activity span, bool keepLlmObs) =>
    [
        .. span.TagObjects
            .Where(t => keepLlmObs || !(t.Key.StartsWith("llmobs.", StringComparison.Ordinal) || LlmObsOnly.Contains(t.Key)))
            .Select(t => $"{t.Key} = {Format(t.Value)}")
            .Order(StringComparer.Ordinal),
    ];

    private static List<string> DescribeMetrics(List<Metric> metrics)
    {
        var lines = new List<string>();
        foreach (var metric in metrics.Where(m => m.Name.StartsWith("gen_ai.", StringComparison.Ordinal)))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new List<string>();
                foreach (var tag in point.Tags)
                {
                    tags.Add($"{tag.Key}={Format(tag.Value)}");
                }

                tags.Sort(StringComparer.Ordinal);
                var value = metric.Name == "gen_ai.client.token.usage" ? $"sum {point.GetHistogramSum()}" : "duration";
                lines.Add($"{metric.Name} {metric.Unit} {metric.Description} count {point.GetHistogramCount()} {value} [{string.Join(", ", tags)}]");
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static string Format(object? value) => value is null ? "null" : $"{value.GetType().Name}:{Convert.ToString(value, CultureInfo.InvariantCulture)}";

    private static Task<ChatResponse> Answer(ChatResponse response) => Task.FromResult(response);

    private static ChatResponse Full(ChatFinishReason finish) => new(new ChatMessage(ChatRole.Assistant, "Thirty days."))
    {
        ModelId = "gpt-4o-2024-08-06",
        ResponseId = "chatcmpl-9",
        FinishReason = finish,
        Usage = new UsageDetails { InputTokenCount = 1_200, OutputTokenCount = 80 },
    };

    private sealed record Scenario(ChatClientMetadata? Metadata, ChatOptions? Options, Func<ChatOptions?, Task<ChatResponse>> Answer);

    private sealed class ScriptedChatClient(ChatClientMetadata? metadata, Func<ChatOptions?, Task<ChatResponse>> answer) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            answer(options);

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? metadata : null;

        public void Dispose()
        {
        }
    }

    private sealed class LogCapture : ILoggerProvider, ILogger
    {
        public List<string> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add($"{logLevel} {eventId.Name} {formatter(state, exception)} {exception?.GetType().Name}");

        public void Dispose()
        {
        }
    }
}
