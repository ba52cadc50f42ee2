namespace LlmObs.Server.Sampling;

/// <summary>The spans of one trace waiting for its decision, with the facts policies look at kept up to date.</summary>
internal sealed class BufferedTrace<TPayload>(string traceId, DateTime firstSeen)
{
    private DateTime _start = DateTime.MaxValue;
    private DateTime _end = DateTime.MinValue;
    private double? _rootDurationMs;

    public string TraceId { get; } = traceId;

    public DateTime FirstSeen { get; } = firstSeen;

    public List<TPayload> Spans { get; } = [];

    public long Bytes { get; private set; }

    public bool HasError { get; private set; }

    public string? Feature { get; private set; }

    /// <summary>The numeric attributes of every span, for range policies; null until a span has one.</summary>
    public List<IReadOnlyDictionary<string, double>>? NumericAttributes { get; private set; }

    /// <summary>The root span's duration, or the trace's extent while the root has not arrived.</summary>
    public double DurationMs => _rootDurationMs ?? Math.Max(0, (_end - _start).TotalMilliseconds);

    public void Add(SampledSpan<TPayload> span)
    {
        Spans.Add(span.Payload);
        Bytes += span.EstimatedBytes;
        HasError |= span.IsError;
        Feature ??= span.Feature;
        if (span.StartTime < _start)
        {
            _start = span.StartTime;
        }

        if (span.EndTime > _end)
        {
            _end = span.EndTime;
        }

        if (span.ParentSpanId is null)
        {
            _rootDurationMs = (span.EndTime - span.StartTime).TotalMilliseconds;
        }

        if (span.NumericAttributes is { Count: > 0 } numeric)
        {
            (NumericAttributes ??= []).Add(numeric);
        }
    }
}
