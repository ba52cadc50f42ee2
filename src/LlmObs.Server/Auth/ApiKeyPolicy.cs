using System.Security.Cryptography;
using System.Text;
using LlmObs.Server.Otlp;
using Microsoft.Extensions.Options;

namespace LlmObs.Server.Auth;

/// <summary>
/// Who may send and read telemetry. Ingest (OTLP over HTTP and gRPC, the Langfuse path) and the <c>/api</c> query
/// and annotation endpoints need the API key when one is configured or when the server is exposed beyond loopback;
/// a local server without a key stays open, which is what a developer running the AppHost expects. Health is open.
/// </summary>
internal sealed class ApiKeyPolicy(IOptions<LlmObsServerOptions> options, ServerExposure exposure)
{
    /// <summary>Whether requests to <paramref name="path"/> are subject to the policy.</summary>
    public static bool Protects(PathString path) =>
        path.StartsWithSegments("/v1") || path.StartsWithSegments("/api") || path.StartsWithSegments("/opentelemetry.proto.collector.trace.v1.TraceService")
        || path.StartsWithSegments("/opentelemetry.proto.collector.logs.v1.LogsService") || path.StartsWithSegments("/opentelemetry.proto.collector.metrics.v1.MetricsService");

    /// <summary>Null when the request may go on, else why not (for the 401 / UNAUTHENTICATED message).</summary>
    /// <param name="path">The request path.</param>
    /// <param name="header">Reads a request header (or gRPC metadata) by lower-case name.</param>
    public string? Refusal(PathString path, Func<string, string?> header)
    {
        var o = options.Value;
        var authorization = header("authorization");

        // Langfuse SDKs can only send their own key pair, as HTTP Basic.
        if (path.StartsWithSegments(OtlpHttpEndpoints.LangfuseTracesPath) && o.Langfuse is { PublicKey: { Length: > 0 } publicKey, SecretKey: { Length: > 0 } secretKey })
        {
            return Basic(authorization) is var (user, password) && FixedTimeEquals(user, publicKey) && FixedTimeEquals(password, secretKey)
                ? null
                : "Send the Langfuse public and secret key configured as LlmObs:Langfuse:PublicKey/SecretKey as HTTP Basic credentials.";
        }

        if (string.IsNullOrEmpty(o.ApiKey))
        {
            return exposure.IsExposed
                ? "LlmObs listens on a non-loopback address, so it requires an API key: set LlmObs:ApiKey and send it as x-api-key or Authorization: Bearer."
                : null;
        }

        var presented = header("x-api-key")
            ?? (authorization?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true ? authorization[7..].Trim() : null)
            ?? Basic(authorization)?.Password; // a Langfuse SDK given the API key as its secret key
        return presented is not null && FixedTimeEquals(presented, o.ApiKey)
            ? null
            : "Send the API key (LlmObs:ApiKey) as x-api-key or Authorization: Bearer.";
    }

    private static (string User, string Password)? Basic(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
            var colon = decoded.IndexOf(':');
            return colon < 0 ? null : (decoded[..colon], decoded[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // Constant time, so the key cannot be guessed a character at a time from response timings.
    private static bool FixedTimeEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
