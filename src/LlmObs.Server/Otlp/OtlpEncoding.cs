namespace LlmObs.Server.Otlp;

/// <summary>The two OTLP/HTTP body encodings. A response is always written in the encoding of its request.</summary>
internal enum OtlpEncoding
{
    Protobuf,
    Json,
}

/// <summary>The media types OTLP/HTTP names for <see cref="OtlpEncoding"/>.</summary>
internal static class OtlpMediaType
{
    public const string Protobuf = "application/x-protobuf";
    public const string Json = "application/json";

    /// <summary>The encoding a <c>Content-Type</c> header asks for (parameters such as charset ignored), or null when OTLP has none for it.</summary>
    public static OtlpEncoding? Parse(string? contentType)
    {
        var mediaType = (contentType ?? "").Split(';', 2)[0].Trim();
        if (mediaType.Equals(Protobuf, StringComparison.OrdinalIgnoreCase))
        {
            return OtlpEncoding.Protobuf;
        }

        return mediaType.Equals(Json, StringComparison.OrdinalIgnoreCase) ? OtlpEncoding.Json : null;
    }

    public static string Of(OtlpEncoding encoding) => encoding == OtlpEncoding.Json ? Json : Protobuf;
}
