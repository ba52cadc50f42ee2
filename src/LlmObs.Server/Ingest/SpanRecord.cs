namespace LlmObs.Server.Ingest;

/// <summary>
/// One received span: its identity and timing, the canonical LLM view (whatever convention produced it),
/// and its raw attributes as JSON.
/// </summary>
internal sealed record SpanRecord
{
    public required string TraceId { get; init; }
    public required string SpanId { get; init; }
    public string? ParentSpanId { get; init; }
    public required string Name { get; init; }
    public int Kind { get; init; }
    public required string ServiceName { get; init; }
    public string? ScopeName { get; init; }
    public DateTime StartTime { get; init; }
    public DateTime EndTime { get; init; }
    public double DurationMs { get; init; }
    public int StatusCode { get; init; }
    public string? StatusMessage { get; init; }
    public LlmView Llm { get; init; } = LlmView.None;
    public required string AttributesJson { get; init; }
    public required string ResourceJson { get; init; }
    public string? EventsJson { get; init; }
}

/// <summary>The canonical LLM view of a span; every field is null when the span says nothing about it.</summary>
internal sealed record LlmView
{
    public static readonly LlmView None = new();

    /// <summary>llm, embedding, retrieval, rerank, tool, agent, chain; null for spans that are not LLM work.</summary>
    public string? SpanKind { get; init; }
    public string? Operation { get; init; }
    public string? Provider { get; init; }
    public string? Model { get; init; }
    public long? InputTokens { get; init; }
    public long? OutputTokens { get; init; }
    public long? CacheReadTokens { get; init; }
    public long? CacheWriteTokens { get; init; }
    public long? ReasoningTokens { get; init; }
    public double? CostUsd { get; init; }

    /// <summary><c>provider</c>, <c>client</c> (computed by the sending service) or <c>server</c> (priced at ingest).</summary>
    public string? CostSource { get; init; }
    public string? Feature { get; init; }
}
