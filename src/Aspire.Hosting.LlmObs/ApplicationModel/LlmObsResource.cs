namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The LlmObs server: receives every resource's OpenTelemetry data, stores and prices the LLM spans,
/// forwards everything to the Aspire dashboard, and serves the LlmObs UI and API.
/// It runs as an executable (no container runtime needed).
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="serverPath">The path of the LlmObs server assembly run with <c>dotnet</c>.</param>
public sealed class LlmObsResource(string name, string serverPath)
    : ExecutableResource(name, "dotnet", Path.GetDirectoryName(serverPath)!), IResourceWithServiceDiscovery
{
    internal const string HttpEndpointName = "http";
    internal const string OtlpHttpEndpointName = "otlp-http";
    internal const string OtlpGrpcEndpointName = "otlp-grpc";

    private EndpointReference? _primaryEndpoint;
    private EndpointReference? _otlpHttpEndpoint;
    private EndpointReference? _otlpGrpcEndpoint;

    /// <summary>The path of the LlmObs server assembly.</summary>
    public string ServerPath { get; } = serverPath;

    /// <summary>Whether everything received is forwarded to the Aspire dashboard.</summary>
    public bool ForwardsToDashboard { get; internal set; } = true;

    /// <summary>Settings that hold for the whole app (prices, content mode): given to the server and to every service it traces.</summary>
    internal Dictionary<string, string> SharedSettings { get; } = [];

    /// <summary>The API key the server requires for ingest and queries (<c>WithApiKey</c>); null when it requires none.</summary>
    public ParameterResource? ApiKey { get; internal set; }

    /// <summary>The cost of one LLM call, in USD, above which the dashboard shows a notification; null for none.</summary>
    public double? CostAlertThresholdUsd { get; internal set; }

    /// <summary>The HTTP endpoint: the UI and the query, annotation and admin APIs (OTLP/HTTP is accepted here too).</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, HttpEndpointName);

    /// <summary>OTLP/HTTP ingest (<c>/v1/traces</c>, <c>/v1/logs</c>, <c>/v1/metrics</c>; protobuf or JSON): where the other resources export.</summary>
    public EndpointReference OtlpHttpEndpoint => _otlpHttpEndpoint ??= new(this, OtlpHttpEndpointName);

    /// <summary>OTLP/gRPC ingest, for SDKs configured with <c>OTEL_EXPORTER_OTLP_PROTOCOL=grpc</c>.</summary>
    public EndpointReference OtlpGrpcEndpoint => _otlpGrpcEndpoint ??= new(this, OtlpGrpcEndpointName);
}
