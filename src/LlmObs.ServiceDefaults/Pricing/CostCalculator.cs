namespace LlmObs.Pricing;

/// <summary>Turns token counts into money.</summary>
public static class CostCalculator
{
    /// <summary>Computes the cost of one call priced at <paramref name="price"/>.</summary>
    /// <param name="price">The model's prices.</param>
    /// <param name="usage">The call's tokens, in the <see cref="TokenUsage"/> convention.</param>
    /// <param name="tier">The service tier the call ran on; its prices are used where the model has them.</param>
    public static CostBreakdown Compute(ModelPrice price, TokenUsage usage, ServiceTier tier = ServiceTier.Standard)
    {
        ArgumentNullException.ThrowIfNull(price);
        var rates = Rates.For(price, tier, usage.InputTokens);

        if (string.Equals(price.Mode, "embedding", StringComparison.OrdinalIgnoreCase))
        {
            return new CostBreakdown(usage.InputTokens * rates.Input, 0, 0, 0, 0);
        }

        var cacheWrite1hRate = rates.CacheWrite1h ?? rates.CacheWrite ?? rates.Input;
        var freshInput = Math.Max(0, usage.InputTokens - usage.CacheReadTokens - usage.CacheWriteTokens - usage.CacheWrite1hTokens);
        var outputRate = rates.Output ?? 0;
        return new CostBreakdown(
            Input: freshInput * rates.Input,
            CachedInput: usage.CacheReadTokens * (rates.CacheRead ?? rates.Input),
            CacheWrite: usage.CacheWriteTokens * (rates.CacheWrite ?? rates.Input) + usage.CacheWrite1hTokens * cacheWrite1hRate,
            Output: Math.Max(0, usage.OutputTokens - usage.ReasoningTokens) * outputRate,
            Reasoning: usage.ReasoningTokens * (rates.Reasoning ?? outputRate));
    }

    private readonly record struct Rates(double Input, double? Output, double? CacheRead, double? CacheWrite, double? CacheWrite1h, double? Reasoning)
    {
        // Tiers are ordered from least to most specific, so a later tier's price wins. A long-context
        // tier prices the whole request, not just the tokens above its threshold, as Anthropic and Gemini bill.
        public static Rates For(ModelPrice price, ServiceTier tier, long inputTokens)
        {
            var rates = new Rates(price.Input, price.Output, price.CacheRead, price.CacheWrite, price.CacheWrite1h, price.Reasoning);

            // An indexed loop: enumerating the interface would allocate on every priced call.
            var tiers = price.Tiers;
            for (var i = 0; i < tiers.Count; i++)
            {
                var t = tiers[i];
                if ((t.Service == ServiceTier.Standard || t.Service == tier)
                    && (t.AboveInputTokens == 0 || inputTokens > t.AboveInputTokens))
                {
                    rates = new Rates(
                        t.Input ?? rates.Input,
                        t.Output ?? rates.Output,
                        t.CacheRead ?? rates.CacheRead,
                        t.CacheWrite ?? rates.CacheWrite,
                        t.CacheWrite1h ?? rates.CacheWrite1h,
                        t.Reasoning ?? rates.Reasoning);
                }
            }

            return rates;
        }
    }
}
