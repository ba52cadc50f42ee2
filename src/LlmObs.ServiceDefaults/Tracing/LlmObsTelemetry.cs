using System.Diagnostics;

namespace LlmObs.Tracing;

/// <summary>The activity source LlmObs and the GenAI spans it configures write to.</summary>
public static class LlmObsTelemetry
{
    /// <summary>
    /// The name of the <see cref="ActivitySource"/> (and meter) of every span LlmObs creates or configures:
    /// chat, embeddings, tool, retrieval and rerank. Subscribe to it with <c>AddSource(LlmObsTelemetry.SourceName)</c>,
    /// or call <c>AddLlmObservabilityInstrumentation()</c> on a tracer provider builder.
    /// </summary>
    public const string SourceName = "LlmObs";

    internal static readonly ActivitySource ActivitySource = new(SourceName);
}
