using System.Diagnostics;
using System.Diagnostics.Metrics;
using LlmObs.Semantics;
using LlmObs.Tracing;

namespace LlmObs.Metrics;

/// <summary>
/// Counters of the meter <c>LlmObs</c>: <c>llmobs.cost</c> (USD) and <c>llmobs.tokens</c> (by <c>gen_ai.token.type</c>),
/// each with <c>gen_ai.operation.name</c>, <c>gen_ai.provider.name</c>, <c>gen_ai.response.model</c> and <c>llmobs.feature</c>.
/// Counters, not histograms: what people ask of them is a sum per model, provider or feature over time.
/// </summary>
internal static class LlmObsMetrics
{
    internal static readonly Meter Meter = new(LlmObsTelemetry.SourceName);

    public static readonly Counter<double> Cost = Meter.CreateCounter<double>("llmobs.cost", "USD", "Cost of LLM calls.");

    public static readonly Counter<long> Tokens = Meter.CreateCounter<long>("llmobs.tokens", "{token}", "Tokens of LLM calls, by type.");

    public static void RecordTokens(long count, string type, in TagList dimensions)
    {
        if (count <= 0)
        {
            return;
        }

        var tags = dimensions;
        tags.Add(GenAiAttributes.TokenType, type);
        Tokens.Add(count, tags);
    }
}
