using System.Text.Json;
using LlmObs.Server.Annotations.Model;

namespace LlmObs.Server.Annotations.Api;

/// <summary>
/// One item of Phoenix's <c>POST /v1/span_annotations</c>:
/// <c>{span_id, name, annotator_kind: "LLM"|"CODE"|"HUMAN", result: {label, score, explanation}, metadata, identifier}</c>.
/// Phoenix knows the span only; the trace is found through the span when listing by trace.
/// </summary>
internal static class PhoenixAnnotationReader
{
    public static AnnotationDraft? Read(JsonElement element, string prefix, RequestErrors errors)
    {
        var f = errors.Reader(element, prefix);
        if (!f.IsObject)
        {
            f.Error("", "A span annotation is a JSON object.");
            return null;
        }

        var before = errors.Fields.Count;
        var spanId = f.String("span_id", 200, required: true);
        var name = f.String("name", AnnotationLimits.NameLength, required: true);
        var kind = f.String("annotator_kind", 20, required: true);
        var source = kind is null ? null : AnnotationSources.Parse(kind);
        if (kind is not null && source is null)
        {
            f.Error("annotator_kind", "annotator_kind is LLM, CODE or HUMAN.");
        }

        var result = f.Child("result");
        double? score = null;
        string? label = null, explanation = null;
        if (result.IsObject)
        {
            score = result.Number("score");
            label = result.String("label", AnnotationLimits.LabelLength);
            explanation = result.String("explanation", AnnotationLimits.ExplanationLength);
        }

        if (score is null && label is null && result.Find("score") is null)
        {
            f.Error("result", "result needs a score, a label or both.");
        }

        var identifier = f.String("identifier", AnnotationLimits.IdentifierLength) ?? "";
        var metadata = f.ObjectText("metadata", AnnotationLimits.MetadataLength);
        if (errors.Fields.Count > before || spanId is null || name is null || source is null)
        {
            return null;
        }

        return new AnnotationDraft
        {
            TraceId = "",
            SpanId = TelemetryIds.ForeignSpanId(spanId),
            Name = name.Trim(),
            Score = score,
            Label = label,
            Explanation = explanation,
            Source = source,
            Identifier = identifier,
            Metadata = metadata,
        };
    }
}
