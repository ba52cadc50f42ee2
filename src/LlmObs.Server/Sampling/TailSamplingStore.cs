using System.Text.Json;
using LlmObs.Server.Ingest;
using LlmObs.Server.Storage;
using Microsoft.Extensions.Options;

namespace LlmObs.Server.Sampling;

/// <summary>
/// Tail sampling in front of the store: spans are buffered by trace for the decision wait, and only the traces a
/// policy keeps are written, each span marked with the policy that kept it (<c>llmobs.sampling.reason</c>). Reads
/// go straight to the store.
/// </summary>
/// <remarks>
/// As with the OpenTelemetry Collector's <c>tail_sampling</c>, an export is acknowledged once buffered: a crash
/// loses at most the traces still waiting for their decision. A graceful stop decides and writes them all.
/// </remarks>
internal sealed class TailSamplingStore(
    ISpanStore store, TailSampler<SpanRecord> sampler, IOptions<TailSamplingOptions> options, TimeProvider time, ILogger<TailSamplingStore> logger)
    : BackgroundService, ISpanStore
{
    public const string ReasonAttribute = "llmobs.sampling.reason";

    private static readonly TimeSpan DecisionInterval = TimeSpan.FromMilliseconds(500);

    private readonly Lock _pendingLock = new();
    private readonly string[] _numericKeys = [.. options.Value.KeepAttributeRanges.Keys];
    private List<SpanRecord> _pending = [];

    public TailSampler<SpanRecord> Sampler => sampler;

    public async Task WriteAsync(IReadOnlyList<SpanRecord> spans, CancellationToken cancellationToken)
    {
        var decided = sampler.Add(spans.Select(ToSampled), time.GetUtcNow().UtcDateTime);
        await WriteKeptAsync(decided, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<StoredSpan>> GetTraceAsync(string traceId, CancellationToken cancellationToken) =>
        store.GetTraceAsync(traceId, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(DecisionInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await WriteKeptAsync(sampler.DecideDue(time.GetUtcNow().UtcDateTime), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await WriteKeptAsync(sampler.DecideAll(time.GetUtcNow().UtcDateTime), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the kept traces; what the store refuses stays pending and is tried again with the next decisions.</summary>
    private async Task WriteKeptAsync(List<TraceDecision<SpanRecord>> decisions, CancellationToken cancellationToken)
    {
        List<SpanRecord> batch;
        lock (_pendingLock)
        {
            foreach (var decision in decisions)
            {
                if (decision.Keep)
                {
                    _pending.AddRange(decision.Spans.Select(span => WithReason(span, decision.Reason)));
                }
            }

            if (_pending.Count == 0)
            {
                return;
            }

            (batch, _pending) = (_pending, []);
        }

        try
        {
            await store.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StoreUnavailableException or OperationCanceledException)
        {
            logger.LogWarning("The store refused {Count} sampled spans; they are written with the next decisions.", batch.Count);
            lock (_pendingLock)
            {
                _pending.InsertRange(0, batch);
            }
        }
    }

    private SampledSpan<SpanRecord> ToSampled(SpanRecord span) => new(
        span.TraceId,
        span.ParentSpanId,
        span.StartTime,
        span.EndTime,
        IsError: span.StatusCode == 2,
        span.Llm.Feature,
        NumericAttributes(span.AttributesJson),
        EstimatedBytes: 256 + span.AttributesJson.Length + (span.EventsJson?.Length ?? 0) + (span.MovedValues?.Bytes ?? 0),
        span);

    /// <summary>Only the attributes a range policy asks about are read, and only when there are such policies.</summary>
    private Dictionary<string, double>? NumericAttributes(string attributesJson)
    {
        if (_numericKeys.Length == 0 || !_numericKeys.Any(key => attributesJson.Contains(key, StringComparison.Ordinal)))
        {
            return null;
        }

        using var document = JsonDocument.Parse(attributesJson);
        Dictionary<string, double>? values = null;
        foreach (var key in _numericKeys)
        {
            if (document.RootElement.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number)
            {
                (values ??= [])[key] = value.GetDouble();
            }
        }

        return values;
    }

    private static SpanRecord WithReason(SpanRecord span, string reason)
    {
        var json = span.AttributesJson.Trim();
        var property = $"\"{ReasonAttribute}\":{JsonSerializer.Serialize(reason)}";
        var attributes = json is "{}" or "" ? $"{{{property}}}" : $"{{{property},{json[1..]}";
        return span with { AttributesJson = attributes };
    }
}
