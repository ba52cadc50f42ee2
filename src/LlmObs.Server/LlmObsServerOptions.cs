using LlmObs.Server.Redaction;

namespace LlmObs.Server;

/// <summary>The server's settings, bound from the <c>LlmObs</c> configuration section.</summary>
public sealed class LlmObsServerOptions
{
    public const string SectionName = "LlmObs";

    /// <summary>Where the embedded store keeps its files. Survives restarts.</summary>
    public string DataDirectory { get; set; } = ".llmobs";

    /// <summary>The largest OTLP request accepted, measured after decompression.</summary>
    public long MaxRequestBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// The port OTLP/gRPC is served on (HTTP/2 without TLS), beside the HTTP port; off when unset.
    /// The HTTP port still comes from <c>ASPNETCORE_URLS</c> / <c>--urls</c>.
    /// </summary>
    public int? GrpcPort { get; set; }

    /// <summary>
    /// The key ingest and query require, sent as <c>x-api-key</c> or <c>Authorization: Bearer</c>. Required whenever
    /// it is set; when it is not, a server bound only to loopback is open and one bound to any other address refuses.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>The key pair Langfuse SDKs send (HTTP Basic) to <c>/api/public/otel/v1/traces</c>.</summary>
    public LangfuseKeyOptions Langfuse { get; set; } = new();

    /// <summary>Where everything received is forwarded (the Aspire dashboard in the AppHost).</summary>
    public ForwardingOptions Forward { get; set; } = new();

    /// <summary>Whether content is stored and forwarded as received (the default), with personal data replaced, or not at all.</summary>
    public IngestRedactionOptions Redaction { get; set; } = new();

    /// <summary>
    /// Key of the HMAC-SHA256 that hashes raw user ids (<c>user.id</c>, <c>enduser.id</c>, …) when <see cref="Redaction"/>
    /// is on; the services' <c>LlmObs:UserIdHashKey</c>, so that a user's hash is the same from either. At least 16
    /// characters. Without one, a random key per process.
    /// </summary>
    public string? UserIdHashKey { get; set; }
}

/// <summary>The downstream OTLP endpoint that receives a copy of all telemetry.</summary>
public sealed class ForwardingOptions
{
    /// <summary>The OTLP endpoint, e.g. <c>http://localhost:4317</c>; forwarding is off when empty.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c>, <c>http/protobuf</c> or <c>http/json</c>, with the meaning of <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>; anything else stops the server at start.</summary>
    public string Protocol { get; set; } = "grpc";

    /// <summary>Headers in <c>OTEL_EXPORTER_OTLP_HEADERS</c> form (<c>k1=v1,k2=v2</c>), e.g. the dashboard's API key.</summary>
    public string? Headers { get; set; }

    /// <summary>How many requests may wait to be forwarded before new ones are dropped (and counted).</summary>
    public int QueueCapacity { get; set; } = 1024;
}

/// <summary>Langfuse's project keys, as its SDKs' <c>LANGFUSE_PUBLIC_KEY</c> / <c>LANGFUSE_SECRET_KEY</c>.</summary>
public sealed class LangfuseKeyOptions
{
    public string? PublicKey { get; set; }

    public string? SecretKey { get; set; }
}
