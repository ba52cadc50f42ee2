using System.Globalization;
using System.Text.Json;
using LlmObs.Server.Annotations.Model;

namespace LlmObs.Server.Annotations.Api;

/// <summary>
/// A Langfuse score (the body of <c>POST /api/public/scores</c>, and of a <c>score-create</c> ingestion event):
/// <c>traceId</c>, <c>observationId</c>, <c>name</c>, <c>value</c> (number, string or boolean), <c>dataType</c>
/// (NUMERIC, CATEGORICAL, BOOLEAN), <c>comment</c>, <c>id</c>, <c>metadata</c>. The score's <c>id</c> becomes the
/// annotation's identifier, so sending a score again with the same id replaces it, as in Langfuse.
/// </summary>
internal static class LangfuseScoreReader
{
    public static AnnotationDraft? Read(JsonElement element, string prefix, RequestErrors errors)
    {
        var f = errors.Reader(element, prefix);
        if (!f.IsObject)
        {
            f.Error("", "A score is a JSON object.");
            return null;
        }

        var before = errors.Fields.Count;
        var traceId = f.String("traceId", 200);
        var observationId = f.String("observationId", 200);
        if (string.IsNullOrWhiteSpace(traceId) && string.IsNullOrWhiteSpace(observationId))
        {
            f.Error("traceId", f.Find("sessionId", "datasetRunId") is null
                ? "traceId (or observationId) is required."
                : "LlmObs scores traces and observations; session and dataset-run scores are not supported.");
        }

        var name = f.String("name", AnnotationLimits.NameLength, required: true);
        var comment = f.String("comment", AnnotationLimits.ExplanationLength);
        var id = f.String("id", AnnotationLimits.IdentifierLength);
        var metadata = f.Find("metadata") is { ValueKind: JsonValueKind.Object } ? f.ObjectText("metadata", AnnotationLimits.MetadataLength) : null;
        var dataType = f.String("dataType", 20)?.ToUpperInvariant();
        if (dataType is not (null or "NUMERIC" or "CATEGORICAL" or "BOOLEAN"))
        {
            f.Error("dataType", "dataType is NUMERIC, CATEGORICAL or BOOLEAN.");
        }

        var (score, label) = Value(f, dataType);
        if (errors.Fields.Count > before || name is null)
        {
            return null;
        }

        return new AnnotationDraft
        {
            TraceId = string.IsNullOrWhiteSpace(traceId) ? "" : TelemetryIds.ForeignTraceId(traceId),
            SpanId = string.IsNullOrWhiteSpace(observationId) ? null : TelemetryIds.ForeignSpanId(observationId),
            Name = name.Trim(),
            Score = score,
            Label = label,
            Explanation = comment,
            Source = Source(f.String("source", 40)),
            Identifier = id ?? "",
            Metadata = metadata,
        };
    }

    private static (double? Score, string? Label) Value(FieldReader f, string? dataType)
    {
        if (f.Find("value") is not { } value)
        {
            f.Error("value", "value is required.");
            return (null, null);
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetDouble(out var number) && double.IsFinite(number):
                if (dataType == "CATEGORICAL")
                {
                    f.Error("value", "A CATEGORICAL score's value is a string.");
                    return (null, null);
                }

                if (dataType == "BOOLEAN")
                {
                    if (number is not (0 or 1))
                    {
                        f.Error("value", "A BOOLEAN score's value is 0 or 1 (or true/false).");
                        return (null, null);
                    }

                    return (number, number == 1 ? "True" : "False");
                }

                return (number, null);
            case JsonValueKind.True or JsonValueKind.False:
                if (dataType is "NUMERIC" or "CATEGORICAL")
                {
                    f.Error("value", $"A {dataType} score's value is not a boolean.");
                    return (null, null);
                }

                var truth = value.ValueKind == JsonValueKind.True;
                return (truth ? 1 : 0, truth ? "True" : "False");
            case JsonValueKind.String:
                if (dataType is "NUMERIC")
                {
                    // Some clients send numbers as strings; accept those that are numbers.
                    if (double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed))
                    {
                        return (parsed, null);
                    }

                    f.Error("value", "A NUMERIC score's value is a number.");
                    return (null, null);
                }

                var text = value.GetString()!;
                if (text.Length > AnnotationLimits.LabelLength)
                {
                    f.Error("value", $"A categorical value is at most {AnnotationLimits.LabelLength} characters.");
                    return (null, null);
                }

                if (dataType == "BOOLEAN")
                {
                    return bool.TryParse(text, out var b) ? (b ? 1 : 0, b ? "True" : "False") : Invalid(f);
                }

                return (null, text);
            default:
                f.Error("value", "value is a number, a string or a boolean.");
                return (null, null);
        }
    }

    private static (double?, string?) Invalid(FieldReader f)
    {
        f.Error("value", "A BOOLEAN score's value is true or false.");
        return (null, null);
    }

    /// <summary>Langfuse's score sources: ANNOTATION (a person in the UI), EVAL (an evaluator), API (code).</summary>
    private static string Source(string? source) => source?.ToUpperInvariant() switch
    {
        "ANNOTATION" => AnnotationSources.Human,
        "EVAL" => AnnotationSources.Llm,
        _ => AnnotationSources.Code,
    };
}
