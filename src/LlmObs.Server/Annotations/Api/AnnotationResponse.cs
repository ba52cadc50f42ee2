using System.Text.Json;
using LlmObs.Server.Annotations.Model;

namespace LlmObs.Server.Annotations.Api;

/// <summary>An annotation as the API returns it; <c>traceId</c> is absent while only the span is known.</summary>
internal sealed record AnnotationResponse(
    string Id,
    string? TraceId,
    string? SpanId,
    string Name,
    double? Score,
    string? Label,
    string? Explanation,
    string Source,
    string Identifier,
    JsonElement? Metadata,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static AnnotationResponse From(Annotation a) => new(
        a.Id,
        a.TraceId.Length == 0 ? null : a.TraceId,
        a.SpanId,
        a.Name,
        a.Score,
        a.Label,
        a.Explanation,
        a.Source,
        a.Identifier,
        a.Metadata is null ? null : JsonDocument.Parse(a.Metadata).RootElement.Clone(),
        a.CreatedAt,
        a.UpdatedAt);
}

/// <summary>A page of annotations; <c>nextOffset</c> is absent on the last page.</summary>
internal sealed record AnnotationPage(IReadOnlyList<AnnotationResponse> Items, int Offset, int Limit, int? NextOffset);

/// <summary>What a write returns: each annotation's id and whether it was new (false: an earlier one was replaced).</summary>
internal sealed record AnnotationWriteResult(string Id, bool Created);
