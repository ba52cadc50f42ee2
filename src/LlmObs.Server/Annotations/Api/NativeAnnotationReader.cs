using System.Text.Json;
using LlmObs.Server.Annotations.Model;

namespace LlmObs.Server.Annotations.Api;

/// <summary>
/// LlmObs's own annotation body. Strict: ids must be ours (32/16 hex), and a score or a label is required.
/// <code>{"traceId","spanId"?,"name","score"?,"label"?,"explanation"?,"source"?: "human"|"code"|"llm","identifier"?,"metadata"?: {}}</code>
/// </summary>
internal static class NativeAnnotationReader
{
    public static AnnotationDraft? Read(JsonElement element, string prefix, RequestErrors errors)
    {
        var f = errors.Reader(element, prefix);
        if (!f.IsObject)
        {
            f.Error("", "An annotation is a JSON object.");
            return null;
        }

        var before = errors.Fields.Count;
        var traceId = f.String("traceId", 32, required: true);
        if (traceId is not null && !TelemetryIds.IsTraceId(traceId))
        {
            f.Error("traceId", "traceId is 32 hex characters (the W3C trace id).");
        }

        var spanId = f.String("spanId", 16);
        if (spanId is not null && !TelemetryIds.IsSpanId(spanId))
        {
            f.Error("spanId", "spanId is 16 hex characters (the W3C span id); leave it out to annotate the whole trace.");
        }

        var name = f.String("name", AnnotationLimits.NameLength, required: true);
        var score = f.Number("score");
        var label = f.String("label", AnnotationLimits.LabelLength);
        var explanation = f.String("explanation", AnnotationLimits.ExplanationLength);
        var identifier = f.String("identifier", AnnotationLimits.IdentifierLength) ?? "";
        var metadata = f.ObjectText("metadata", AnnotationLimits.MetadataLength);
        var sourceText = f.String("source", 20);
        var source = sourceText is null ? AnnotationSources.Code : AnnotationSources.Parse(sourceText);
        if (source is null)
        {
            f.Error("source", "source is human, code or llm.");
        }

        if (score is null && label is null && f.Find("score") is null)
        {
            f.Error("score", "An annotation needs a score, a label or both.");
        }

        if (errors.Fields.Count > before || traceId is null || name is null || source is null)
        {
            return null;
        }

        return new AnnotationDraft
        {
            TraceId = traceId.ToLowerInvariant(),
            SpanId = spanId?.ToLowerInvariant(),
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
