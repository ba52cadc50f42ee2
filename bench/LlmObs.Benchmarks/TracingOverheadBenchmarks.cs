using System.Diagnostics;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using LlmObs.Redaction;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace LlmObs.Benchmarks;

/// <summary>
/// The cost of <c>UseLlmTracing()</c> over MEAI's <c>UseOpenTelemetry()</c> alone, on a provider that answers at once,
/// with a tracer provider listening (sampling everything, exporting to nothing). Content mode Off is the production
/// default; Redacted runs the PII redactor on a 2 KB prompt and its completion.
/// </summary>
[MemoryDiagnoser]
public class TracingOverheadBenchmarks
{
    private TracerProvider _tracing = null!;
    private IChatClient _openTelemetryOnly = null!;
    private IChatClient _llmTracingOff = null!;
    private IChatClient _llmTracingRedacted = null!;
    private List<ChatMessage> _prompt = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tracing = Sdk.CreateTracerProviderBuilder()
            .AddLlmObservabilityInstrumentation()
            .AddSource("MeaiOnly")
            .SetSampler(new AlwaysOnSampler())
            .AddProcessor(new SimpleActivityExportProcessor(new NoopExporter()))
            .Build()!;

        var inner = new InstantChatClient();
        _openTelemetryOnly = new ChatClientBuilder(inner).UseOpenTelemetry(sourceName: "MeaiOnly").Build();
        _llmTracingOff = new ChatClientBuilder(inner).UseLlmTracing(o => { o.Content = ContentMode.Off; o.Feature = "bench"; }).Build();
        _llmTracingRedacted = new ChatClientBuilder(inner).UseLlmTracing(o => { o.Content = ContentMode.Redacted; o.Feature = "bench"; }).Build();

        // About 2 KB of prompt with a few pieces of personal data in it.
        var words = string.Join(' ', Enumerable.Repeat("The refund policy allows returns within thirty days of delivery for unused items.", 24));
        _prompt = [new ChatMessage(ChatRole.System, "Answer from the handbook."), new ChatMessage(ChatRole.User, words + " Contact jane.doe@example.com or +44 20 7946 0958 about card 4111 1111 1111 1111.")];
    }

    [GlobalCleanup]
    public void Cleanup() => _tracing.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("response")]
    public Task<ChatResponse> OpenTelemetryOnly() => _openTelemetryOnly.GetResponseAsync(_prompt);

    [Benchmark, BenchmarkCategory("response")]
    public Task<ChatResponse> LlmTracing_ContentOff() => _llmTracingOff.GetResponseAsync(_prompt);

    [Benchmark, BenchmarkCategory("response")]
    public Task<ChatResponse> LlmTracing_ContentRedacted() => _llmTracingRedacted.GetResponseAsync(_prompt);

    [Benchmark, BenchmarkCategory("streaming")]
    public Task<int> Streaming_OpenTelemetryOnly() => Drain(_openTelemetryOnly);

    [Benchmark, BenchmarkCategory("streaming")]
    public Task<int> Streaming_LlmTracing_ContentOff() => Drain(_llmTracingOff);

    [Benchmark, BenchmarkCategory("streaming")]
    public Task<int> Streaming_LlmTracing_ContentRedacted() => Drain(_llmTracingRedacted);

    private async Task<int> Drain(IChatClient client)
    {
        var count = 0;
        await foreach (var update in client.GetStreamingResponseAsync(_prompt).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }

    private sealed class NoopExporter : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch) => ExportResult.Success;
    }

    /// <summary>A provider with no latency: a fixed answer, or 100 chunks and a usage chunk.</summary>
    private sealed class InstantChatClient : IChatClient
    {
        private static readonly ChatClientMetadata Metadata = new("openai", new Uri("https://api.openai.com/v1"), "gpt-4o-mini");
        private static readonly ChatResponseUpdate[] Chunks = [.. Enumerable.Range(0, 100).Select(i => new ChatResponseUpdate(ChatRole.Assistant, "tok ") { ModelId = "gpt-4o-mini" })];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Refunds take up to 5 working days; write to jane.doe@example.com."))
            {
                ModelId = "gpt-4o-mini-2024-07-18",
                FinishReason = ChatFinishReason.Stop,
                Usage = new UsageDetails { InputTokenCount = 520, CachedInputTokenCount = 256, OutputTokenCount = 18 },
            });

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var chunk in Chunks)
            {
                yield return chunk;
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = 520, OutputTokenCount = 100 })]) { FinishReason = ChatFinishReason.Stop };
            await Task.CompletedTask.ConfigureAwait(false);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType == typeof(ChatClientMetadata) ? Metadata : null;

        public void Dispose()
        {
        }
    }
}
