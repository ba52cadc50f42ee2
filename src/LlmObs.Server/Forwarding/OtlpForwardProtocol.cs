namespace LlmObs.Server.Forwarding;

/// <summary>The values of <c>LlmObs:Forward:Protocol</c>, with the meaning of <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>.</summary>
internal static class OtlpForwardProtocol
{
    public const string Grpc = "grpc";
    public const string HttpProtobuf = "http/protobuf";
    public const string HttpJson = "http/json";

    /// <summary>
    /// The transport for <paramref name="protocol"/>. Anything else stops the server at start with the reason:
    /// a typo here would otherwise send the dashboard nothing, silently.
    /// </summary>
    public static IOtlpTransport CreateTransport(string? protocol, Uri endpoint, IReadOnlyList<KeyValuePair<string, string>> headers) =>
        (protocol ?? Grpc).Trim().ToLowerInvariant() switch
        {
            Grpc => new GrpcOtlpTransport(endpoint, headers),
            HttpProtobuf => new HttpOtlpTransport(endpoint, headers, Otlp.OtlpEncoding.Protobuf),
            HttpJson => new HttpOtlpTransport(endpoint, headers, Otlp.OtlpEncoding.Json),
            _ => throw new InvalidOperationException(
                $"LlmObs:Forward:Protocol '{protocol}' is not an OTLP protocol; use '{Grpc}', '{HttpProtobuf}' or '{HttpJson}'."),
        };
}
