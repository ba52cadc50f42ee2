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

    private EndpointReference? _primaryEndpoint;

    /// <summary>The path of the LlmObs server assembly.</summary>
    public string ServerPath { get; } = serverPath;

    /// <summary>Whether everything received is forwarded to the Aspire dashboard.</summary>
    public bool ForwardsToDashboard { get; internal set; } = true;

    /// <summary>The cost of one LLM call, in USD, above which the dashboard shows a notification; null for none.</summary>
    public double? CostAlertThresholdUsd { get; internal set; }

    /// <summary>The HTTP endpoint: the UI, the query API and OTLP/HTTP ingest (<c>/v1/traces</c>).</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, HttpEndpointName);
}
