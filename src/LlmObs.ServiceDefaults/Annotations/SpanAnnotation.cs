using System.Text.Json.Nodes;

namespace LlmObs.Annotations;

/// <summary>
/// An annotation to write: a name (e.g. <c>eval.quality</c>) with a score, a label or both. Writing one with the
/// target, name and <see cref="Identifier"/> of an earlier one replaces it.
/// </summary>
/// <param name="Name">What is judged, e.g. <c>eval.groundedness</c> or <c>user.feedback</c>.</param>
public sealed record SpanAnnotation(string Name)
{
    /// <summary>The numeric score; LlmObs's evaluators score from 0 (worst) to 1 (best).</summary>
    public double? Score { get; init; }

    /// <summary>A category, e.g. <c>refusal</c> or <c>thumbs_up</c>.</summary>
    public string? Label { get; init; }

    /// <summary>Why: the judge's reasoning, the reviewer's comment.</summary>
    public string? Explanation { get; init; }

    /// <summary>Who judged: code (default), an LLM or a person.</summary>
    public AnnotationSource Source { get; init; } = AnnotationSource.Code;

    /// <summary>Keeps several annotations of one name apart on one target (e.g. one per reviewer); empty by default.</summary>
    public string? Identifier { get; init; }

    /// <summary>Anything else worth keeping, as a JSON object.</summary>
    public JsonObject? Metadata { get; init; }
}

/// <summary>What the server answered for one annotation: its id and whether it was new (false: it replaced one).</summary>
/// <param name="Id">The annotation's id, for reading or deleting it.</param>
/// <param name="Created">True when no annotation had the target, name and identifier yet.</param>
public sealed record AnnotationReceipt(string Id, bool Created);

/// <summary>An annotation as stored.</summary>
/// <param name="Id">The annotation's id.</param>
/// <param name="TraceId">The trace (absent while only the span is known).</param>
/// <param name="SpanId">The span, or null for a trace annotation.</param>
/// <param name="Name">The name.</param>
/// <param name="Score">The score, if any.</param>
/// <param name="Label">The label, if any.</param>
/// <param name="Explanation">The explanation, if any.</param>
/// <param name="Source">human, code or llm.</param>
/// <param name="Identifier">The identifier (empty by default).</param>
/// <param name="Metadata">The metadata object, if any.</param>
/// <param name="CreatedAt">When it was first written (UTC).</param>
/// <param name="UpdatedAt">When it was last written (UTC).</param>
public sealed record StoredAnnotation(
    string Id, string? TraceId, string? SpanId, string Name, double? Score, string? Label, string? Explanation, string Source,
    string Identifier, JsonObject? Metadata, DateTime CreatedAt, DateTime UpdatedAt);
