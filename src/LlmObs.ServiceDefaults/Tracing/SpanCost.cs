using System.Diagnostics;
using LlmObs.Pricing;
using LlmObs.Semantics;
using Microsoft.Extensions.AI;

namespace LlmObs.Tracing;

/// <summary>Prices a call's usage and writes the cost breakdown onto its span.</summary>
internal static class SpanCost
{
    public static void Record(Activity activity, string? model, string? provider, UsageDetails? usage, PriceCatalog catalog, ServiceTier tier)
    {
        if (usage is null || model is null)
        {
            return;
        }

        var tokens = new TokenUsage
        {
            InputTokens = usage.InputTokenCount ?? 0,
            OutputTokens = usage.OutputTokenCount ?? 0,
            CacheReadTokens = usage.CachedInputTokenCount ?? 0,
            ReasoningTokens = usage.ReasoningTokenCount ?? 0,
        };

        if (catalog.ComputeCost(model, provider, tokens, tier) is not { } cost)
        {
            activity.SetTag(LlmObsAttributes.Unpriced, true);
            return;
        }

        activity.SetTag(GenAiAttributes.UsageCost, cost.Total);
        activity.SetTag(LlmObsAttributes.CostTotal, cost.Total);
        activity.SetTag(LlmObsAttributes.CostInput, cost.Input);
        activity.SetTag(LlmObsAttributes.CostCachedInput, cost.CachedInput);
        activity.SetTag(LlmObsAttributes.CostCacheWrite, cost.CacheWrite);
        activity.SetTag(LlmObsAttributes.CostOutput, cost.Output);
        activity.SetTag(LlmObsAttributes.CostReasoning, cost.Reasoning);
        activity.SetTag(LlmObsAttributes.CostCurrency, "USD");
        activity.SetTag(LlmObsAttributes.CostSource, "computed");
        activity.SetTag(LlmObsAttributes.CostCatalog, catalog.Version);
    }

    /// <summary>
    /// The span of the OpenTelemetry client wrapped around us, or null when nobody listens:
    /// <see cref="Activity.Current"/> may then be an unrelated span (the HTTP request) that must not be tagged.
    /// </summary>
    public static Activity? CurrentGenAiSpan() =>
        Activity.Current is { Source.Name: LlmObsTelemetry.SourceName } activity ? activity : null;
}
