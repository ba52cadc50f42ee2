namespace LlmObs.Server.Annotations.Model;

/// <summary>
/// A judgement attached to a span or a whole trace: a score and/or a label under a name (<c>eval.quality</c>),
/// with who made it and why. A repeat with the same target, name and identifier replaces it.
/// </summary>
internal sealed record Annotation(
    string Id,
    string TraceId,
    string? SpanId,
    string Name,
    double? Score,
    string? Label,
    string? Explanation,
    string Source,
    string Identifier,
    string? Metadata,
    DateTime CreatedAt,
    DateTime UpdatedAt);

/// <summary>An annotation as received, checked and normalised, before the store gives it an id.</summary>
internal sealed record AnnotationDraft
{
    /// <summary>The trace; empty when only the span is known (Phoenix sends span ids alone) and its trace is not stored yet.</summary>
    public required string TraceId { get; init; }

    /// <summary>The span, or null for an annotation of the whole trace.</summary>
    public string? SpanId { get; init; }

    public required string Name { get; init; }
    public double? Score { get; init; }
    public string? Label { get; init; }
    public string? Explanation { get; init; }
    public string Source { get; init; } = AnnotationSources.Code;

    /// <summary>Distinguishes several annotations of one name on one target (e.g. two reviewers); empty by default.</summary>
    public string Identifier { get; init; } = "";

    /// <summary>Free-form JSON object text, kept as sent.</summary>
    public string? Metadata { get; init; }

    /// <summary>What the upsert key is made of: a span annotation is keyed by its span, a trace annotation by its trace.</summary>
    public (string Kind, string Id) Target => SpanId is { } span ? (AnnotationTargets.Span, span) : (AnnotationTargets.Trace, TraceId);
}

/// <summary>Who made an annotation. The names are Phoenix's <c>annotator_kind</c> values, lower-cased.</summary>
internal static class AnnotationSources
{
    public const string Human = "human";
    public const string Code = "code";
    public const string Llm = "llm";

    public static readonly string[] All = [Human, Code, Llm];

    public static string? Parse(string? value) =>
        value is null ? null : All.FirstOrDefault(s => s.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase));
}

internal static class AnnotationTargets
{
    public const string Span = "span";
    public const string Trace = "trace";
}

/// <summary>The outcome of one upsert: the annotation's id and whether it was new.</summary>
internal sealed record UpsertResult(string Id, bool Created);
