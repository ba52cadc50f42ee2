using LlmObs.Server.Storage.Content;

namespace LlmObs.Server.Ingest;

/// <summary>
/// One received span: its identity and timing, the canonical LLM view (whatever convention produced it),
/// and its raw attributes as JSON.
/// </summary>
internal sealed record SpanRecord
{
    /// <summary>The project every span without one belongs to.</summary>
    public const string DefaultProject = "default";

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

    /// <summary>
    /// Set when <see cref="AttributesJson"/> and <see cref="EventsJson"/> were written with their large values moved
    /// out already (the mapper does so at ingest; their keys hold null): the blobs those went to, which the store keeps
    /// as they are. Null when the JSON holds every value.
    /// </summary>
    public MovedValues? MovedValues { get; init; }

    /// <summary>
    /// The project the span belongs to: the resource attribute <c>openinference.project.name</c> or <c>llmobs.project</c>,
    /// else the <c>x-project-name</c> header of the export, else <see cref="DefaultProject"/>.
    /// </summary>
    public string Project { get; init; } = DefaultProject;
}

/// <summary>The canonical LLM view of a span; every field is null when the span says nothing about it.</summary>
internal sealed record LlmView
{
    public static readonly LlmView None = new();

    /// <summary>llm, embedding, retrieval, rerank, tool, agent, chain or other; null for spans that are not LLM work.</summary>
    public string? SpanKind { get; init; }
    public string? Operation { get; init; }
    public string? Provider { get; init; }
    public string? Model { get; init; }

    /// <summary>All prompt tokens, cache reads and writes included.</summary>
    public long? InputTokens { get; init; }

    /// <summary>All generated tokens, reasoning included.</summary>
    public long? OutputTokens { get; init; }
    public long? CacheReadTokens { get; init; }
    public long? CacheWriteTokens { get; init; }
    public long? ReasoningTokens { get; init; }

    /// <summary>Total cost in USD.</summary>
    public double? CostUsd { get; init; }

    /// <summary><c>provider</c>, <c>client</c> (computed by the sending service) or <c>server</c> (priced at ingest).</summary>
    public string? CostSource { get; init; }
    public string? Feature { get; init; }

    // Added for the every-convention view; null when the span does not say.

    /// <summary>The convention the view was read from: <c>gen_ai</c>, <c>openinference</c>, <c>langfuse</c>, <c>traceloop</c> or <c>vercel_ai</c>.</summary>
    public string? Convention { get; init; }

    /// <summary>The cost breakdown in USD (fresh input, cache read, cache write, output, reasoning), when known.</summary>
    public LlmCostBreakdown? Cost { get; init; }

    /// <summary>Time to first token (streaming), in milliseconds.</summary>
    public double? TimeToFirstTokenMs { get; init; }
    public string? User { get; init; }
    public string? Session { get; init; }

    /// <summary>The prompt as the span carried it (messages JSON or text); untrusted content, to be rendered escaped.</summary>
    public string? Input { get; init; }

    /// <summary>The completion as the span carried it (messages JSON or text); untrusted content, to be rendered escaped.</summary>
    public string? Output { get; init; }
    public IReadOnlyList<RetrievedDocumentView>? Documents { get; init; }
    public LlmToolCall? Tool { get; init; }

    /// <summary><c>ok</c> or <c>error</c>, from the span status or the convention's own level.</summary>
    public string? Status { get; init; }
}

/// <summary>A cost split by what was billed, in USD.</summary>
internal sealed record LlmCostBreakdown(double? Input, double? CachedInput, double? CacheWrite, double? Output, double? Reasoning, string? Catalog = null);

/// <summary>One document a retrieval or rerank returned.</summary>
internal sealed record RetrievedDocumentView(string? Id, double? Score, string? Content = null);

/// <summary>The tool a tool span ran.</summary>
internal sealed record LlmToolCall(string? Name, string? CallId = null, string? Arguments = null, string? Result = null);
