namespace LlmObs.Pricing;

/// <summary>The cost of one LLM call, split by what was billed.</summary>
/// <param name="Input">Fresh (uncached) prompt tokens, in USD.</param>
/// <param name="CachedInput">Prompt tokens read from the cache, in USD.</param>
/// <param name="CacheWrite">Prompt tokens written to the cache (5 minute and 1 hour), in USD.</param>
/// <param name="Output">Generated tokens other than reasoning, in USD.</param>
/// <param name="Reasoning">Reasoning tokens, in USD.</param>
public readonly record struct CostBreakdown(double Input, double CachedInput, double CacheWrite, double Output, double Reasoning)
{
    /// <summary>The sum of all parts, in USD.</summary>
    public double Total => Input + CachedInput + CacheWrite + Output + Reasoning;

    /// <summary>The ISO 4217 currency of every amount: always "USD", as the price table is.</summary>
    public string Currency => "USD";
}
