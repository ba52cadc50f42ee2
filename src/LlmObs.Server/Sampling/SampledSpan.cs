namespace LlmObs.Server.Sampling;

/// <summary>What the tail sampler needs to know of a span, and the span itself to hand on once decided.</summary>
/// <typeparam name="TPayload">The span as the rest of the pipeline knows it.</typeparam>
internal sealed record SampledSpan<TPayload>(
    string TraceId,
    string? ParentSpanId,
    DateTime StartTime,
    DateTime EndTime,
    bool IsError,
    string? Feature,
    IReadOnlyDictionary<string, double>? NumericAttributes,
    int EstimatedBytes,
    TPayload Payload);
