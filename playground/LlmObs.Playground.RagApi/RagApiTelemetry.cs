using System.Diagnostics;

namespace LlmObs.Playground.RagApi;

/// <summary>The service's own spans (not LLM calls, which LlmObs traces).</summary>
internal static class RagApiTelemetry
{
    // Named after the application, which AddLlmObservabilityDefaults() already subscribes to.
    public static readonly ActivitySource ActivitySource = new(typeof(RagApiTelemetry).Assembly.GetName().Name!);
}
