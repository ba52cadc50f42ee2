namespace LlmObs.Server.Annotations.Model;

/// <summary>
/// Trace and span ids as the store keeps them: lowercase hex, 32 and 16 characters. Langfuse and Phoenix clients
/// send the same ids in other spellings (upper case, a UUID with dashes); those are mapped so the annotation meets
/// its span. Ids that are not hex at all (Langfuse lets users pick any string) are kept as sent.
/// </summary>
internal static class TelemetryIds
{
    public static bool IsTraceId(string? value) => value is { Length: 32 } && value.All(char.IsAsciiHexDigit);

    public static bool IsSpanId(string? value) => value is { Length: 16 } && value.All(char.IsAsciiHexDigit);

    /// <summary>A foreign trace id in our spelling when it is one of ours, else unchanged.</summary>
    public static string ForeignTraceId(string value)
    {
        var trimmed = value.Trim();
        var compact = trimmed.Length == 36 ? trimmed.Replace("-", "", StringComparison.Ordinal) : trimmed;
        return IsTraceId(compact) ? compact.ToLowerInvariant() : trimmed;
    }

    /// <summary>A foreign span (observation) id in our spelling when it is one of ours, else unchanged.</summary>
    public static string ForeignSpanId(string value)
    {
        var trimmed = value.Trim();
        return IsSpanId(trimmed) ? trimmed.ToLowerInvariant() : trimmed;
    }
}
