using LlmObs.Pricing;
using Xunit;

namespace LlmObs.ServiceDefaults.Tests.Pricing;

// Every expectation is per-token USD read from ../shared/data/litellm-model-prices.json (2026-07-24),
// written out with its arithmetic, so a wrong catalog or a wrong formula both fail here.
public sealed class CostComputationTests
{
    private static readonly PriceCatalog Catalog = PriceCatalog.Default;

    [Theory]
    // model, provider, per-token input, per-token output (litellm input_cost_per_token, output_cost_per_token)
    [InlineData("gpt-4o", null, 2.5e-06, 1e-05)]
    [InlineData("gpt-4o-mini", "openai", 1.5e-07, 6e-07)]
    [InlineData("gpt-4.1", "openai", 2e-06, 8e-06)]
    [InlineData("gpt-5", "openai", 1.25e-06, 1e-05)]
    [InlineData("o3-pro", "openai", 2e-05, 8e-05)]
    [InlineData("claude-opus-4-1", "anthropic", 1.5e-05, 7.5e-05)]
    [InlineData("claude-haiku-4-5-20251001", "anthropic", 1e-06, 5e-06)]
    [InlineData("gemini-2.5-flash", "gcp.gemini", 3e-07, 2.5e-06)]
    [InlineData("gemini-2.0-flash-001", "gcp.vertex_ai", 1.5e-07, 6e-07)]
    [InlineData("gpt-4o-mini", "azure.ai.openai", 1.65e-07, 6.6e-07)]
    [InlineData("azure/gpt-4o", null, 2.5e-06, 1e-05)]
    [InlineData("anthropic.claude-3-haiku-20240307-v1:0", "aws.bedrock", 2.5e-07, 1.25e-06)]
    [InlineData("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "aws.bedrock", 3.3e-06, 1.65e-05)]
    [InlineData("mistral-large-latest", "mistral_ai", 5e-07, 1.5e-06)]
    [InlineData("mistral-small-latest", "mistral", 6e-08, 1.8e-07)]
    [InlineData("deepseek-chat", "deepseek", 2.8e-07, 4.2e-07)]
    [InlineData("grok-4", "x_ai", 3e-06, 1.5e-05)]
    [InlineData("groq/llama-3.3-70b-versatile", null, 5.9e-07, 7.9e-07)]
    [InlineData("sonar-deep-research", "perplexity", 2e-06, 8e-06)]
    [InlineData("qwen-turbo", "dashscope", 5e-08, 2e-07)]
    public void Prices_plain_input_and_output_tokens(string model, string? provider, double inputRate, double outputRate)
    {
        var cost = Catalog.ComputeCost(model, provider, new TokenUsage { InputTokens = 12_000, OutputTokens = 800 });

        AssertCost(cost, input: 12_000 * inputRate, output: 800 * outputRate);
    }

    [Fact]
    public void Cached_prompt_tokens_are_priced_at_the_cache_read_rate_not_as_fresh_input()
    {
        // gpt-4o: input 2.5e-06, cache read 1.25e-06, output 1e-05. 4,000 of the 10,000 prompt tokens came from the cache.
        var cost = Catalog.ComputeCost("gpt-4o", "openai", new TokenUsage { InputTokens = 10_000, CacheReadTokens = 4_000, OutputTokens = 500 });

        AssertCost(cost, input: 6_000 * 2.5e-06, cachedInput: 4_000 * 1.25e-06, output: 500 * 1e-05);
        Assert.Equal(0.015 + 0.005 + 0.005, cost!.Value.Total, 1e-12);
        Assert.Equal("USD", cost.Value.Currency);
    }

    [Fact]
    public void DeepSeek_cache_hits_use_its_cache_hit_price()
    {
        // deepseek/deepseek-r1: input 5.5e-07, input_cost_per_token_cache_hit 1.4e-07, output 2.19e-06.
        var cost = Catalog.ComputeCost("deepseek-r1", "deepseek", new TokenUsage { InputTokens = 10_000, CacheReadTokens = 6_000, OutputTokens = 1_000 });

        AssertCost(cost, input: 4_000 * 5.5e-07, cachedInput: 6_000 * 1.4e-07, output: 1_000 * 2.19e-06);
    }

    [Fact]
    public void Cache_reads_fall_back_to_the_input_rate_only_when_the_model_has_no_cache_read_price()
    {
        // mistral/mistral-large-latest has no cache_read_input_token_cost: input 5e-07, output 1.5e-06.
        var cost = Catalog.ComputeCost("mistral/mistral-large-latest", null, new TokenUsage { InputTokens = 3_000, CacheReadTokens = 1_000, OutputTokens = 100 });

        AssertCost(cost, input: 2_000 * 5e-07, cachedInput: 1_000 * 5e-07, output: 100 * 1.5e-06);
    }

    [Fact]
    public void Anthropic_cache_writes_are_priced_per_lifetime()
    {
        // claude-sonnet-4-5: input 3e-06, cache read 3e-07, cache write 5 min 3.75e-06, cache write 1 h 6e-06, output 1.5e-05.
        var usage = new TokenUsage
        {
            InputTokens = 50_000, // 10,000 fresh + 20,000 read + 15,000 written for 5 min + 5,000 written for 1 h
            CacheReadTokens = 20_000,
            CacheWriteTokens = 15_000,
            CacheWrite1hTokens = 5_000,
            OutputTokens = 2_000,
        };

        var cost = Catalog.ComputeCost("claude-sonnet-4-5", "anthropic", usage);

        AssertCost(cost, input: 10_000 * 3e-06, cachedInput: 20_000 * 3e-07, cacheWrite: 15_000 * 3.75e-06 + 5_000 * 6e-06, output: 2_000 * 1.5e-05);
        Assert.Equal(0.03 + 0.006 + 0.08625 + 0.03, cost!.Value.Total, 1e-12);
    }

    [Fact]
    public void Claude_haiku_cache_writes_use_its_own_rates()
    {
        // claude-haiku-4-5: input 1e-06, cache read 1e-07, cache write 1.25e-06, 1 h 2e-06, output 5e-06.
        var usage = new TokenUsage { InputTokens = 9_000, CacheReadTokens = 4_000, CacheWriteTokens = 3_000, CacheWrite1hTokens = 1_000, OutputTokens = 400 };

        var cost = Catalog.ComputeCost("claude-haiku-4-5", "anthropic", usage);

        AssertCost(cost, input: 1_000 * 1e-06, cachedInput: 4_000 * 1e-07, cacheWrite: 3_000 * 1.25e-06 + 1_000 * 2e-06, output: 400 * 5e-06);
    }

    [Fact]
    public void Above_200k_the_long_context_rates_apply_to_the_whole_request()
    {
        // claude-sonnet-4-5 above 200k tokens: input 6e-06, cache read 6e-07, cache write 7.5e-06, 1 h 1.2e-05, output 2.25e-05.
        var usage = new TokenUsage
        {
            InputTokens = 250_000, // 120,000 fresh + 100,000 read + 20,000 written for 5 min + 10,000 for 1 h
            CacheReadTokens = 100_000,
            CacheWriteTokens = 20_000,
            CacheWrite1hTokens = 10_000,
            OutputTokens = 1_000,
        };

        var cost = Catalog.ComputeCost("claude-sonnet-4-5", "anthropic", usage);

        AssertCost(cost, input: 120_000 * 6e-06, cachedInput: 100_000 * 6e-07, cacheWrite: 20_000 * 7.5e-06 + 10_000 * 1.2e-05, output: 1_000 * 2.25e-05);
        Assert.Equal(0.72 + 0.06 + 0.27 + 0.0225, cost!.Value.Total, 1e-12);
    }

    [Fact]
    public void At_exactly_200k_tokens_the_standard_rates_still_apply()
    {
        // gemini/gemini-2.5-pro: input 1.25e-06, output 1e-05 up to 200k prompt tokens.
        var cost = Catalog.ComputeCost("gemini-2.5-pro", "gemini", new TokenUsage { InputTokens = 200_000, OutputTokens = 2_000 });

        AssertCost(cost, input: 200_000 * 1.25e-06, output: 2_000 * 1e-05);
    }

    [Fact]
    public void Gemini_above_200k_uses_the_higher_rates()
    {
        // gemini/gemini-2.5-pro above 200k: input 2.5e-06, cache read 2.5e-07, output 1.5e-05.
        var cost = Catalog.ComputeCost("gemini-2.5-pro", "gcp.gemini", new TokenUsage { InputTokens = 300_000, CacheReadTokens = 50_000, OutputTokens = 2_000 });

        AssertCost(cost, input: 250_000 * 2.5e-06, cachedInput: 50_000 * 2.5e-07, output: 2_000 * 1.5e-05);
    }

    [Fact]
    public void Batch_tier_uses_batch_rates()
    {
        // gpt-4o batches: input 1.25e-06, output 5e-06 (standard is 2.5e-06 / 1e-05).
        var cost = Catalog.ComputeCost("gpt-4o", "openai", new TokenUsage { InputTokens = 1_000_000, OutputTokens = 100_000 }, ServiceTier.Batch);

        AssertCost(cost, input: 1_000_000 * 1.25e-06, output: 100_000 * 5e-06);
    }

    [Fact]
    public void Priority_tier_uses_priority_rates_including_cache_reads()
    {
        // gpt-4o priority: input 4.25e-06, cache read 2.125e-06, output 1.7e-05.
        var cost = Catalog.ComputeCost("gpt-4o", "openai", new TokenUsage { InputTokens = 10_000, CacheReadTokens = 2_000, OutputTokens = 1_000 }, ServiceTier.Priority);

        AssertCost(cost, input: 8_000 * 4.25e-06, cachedInput: 2_000 * 2.125e-06, output: 1_000 * 1.7e-05);
    }

    [Fact]
    public void Priority_above_272k_uses_the_rates_for_both()
    {
        // azure/gpt-5.4 priority above 272k: input 1e-05, output 4.5e-05.
        var cost = Catalog.ComputeCost("gpt-5.4", "azure", new TokenUsage { InputTokens = 300_000, OutputTokens = 1_000 }, ServiceTier.Priority);

        AssertCost(cost, input: 300_000 * 1e-05, output: 1_000 * 4.5e-05);
    }

    [Fact]
    public void A_tier_the_model_does_not_offer_falls_back_to_standard_rates()
    {
        // gpt-4o-2024-08-06 has no priority prices: input 2.5e-06, output 1e-05.
        var cost = Catalog.ComputeCost("gpt-4o-2024-08-06", "openai", new TokenUsage { InputTokens = 1_000, OutputTokens = 1_000 }, ServiceTier.Priority);

        AssertCost(cost, input: 1_000 * 2.5e-06, output: 1_000 * 1e-05);
    }

    [Fact]
    public void Reasoning_without_its_own_price_is_billed_once_at_the_output_rate()
    {
        // o3 flex: input 1e-06, output 4e-06; no output_cost_per_reasoning_token. 800,000 of the 1,000,000 output tokens are reasoning.
        var cost = Catalog.ComputeCost("o3", "openai", new TokenUsage { InputTokens = 1_000_000, OutputTokens = 1_000_000, ReasoningTokens = 800_000 }, ServiceTier.Flex);

        AssertCost(cost, input: 1_000_000 * 1e-06, output: 200_000 * 4e-06, reasoning: 800_000 * 4e-06);
        Assert.Equal(1_000_000 * 1e-06 + 1_000_000 * 4e-06, cost!.Value.Total, 1e-9);
    }

    [Fact]
    public void Reasoning_model_on_standard_tier()
    {
        // o1: input 1.5e-05, output 6e-05. 4,000 of the 5,000 output tokens are reasoning.
        var cost = Catalog.ComputeCost("o1", null, new TokenUsage { InputTokens = 1_000, OutputTokens = 5_000, ReasoningTokens = 4_000 });

        AssertCost(cost, input: 1_000 * 1.5e-05, output: 1_000 * 6e-05, reasoning: 4_000 * 6e-05);
    }

    [Fact]
    public void Reasoning_with_its_own_price_uses_it()
    {
        // dashscope/qwen-turbo: input 5e-08, output 2e-07, output_cost_per_reasoning_token 5e-07.
        var cost = Catalog.ComputeCost("qwen-turbo", "dashscope", new TokenUsage { InputTokens = 10_000, OutputTokens = 3_000, ReasoningTokens = 2_000 });

        AssertCost(cost, input: 10_000 * 5e-08, output: 1_000 * 2e-07, reasoning: 2_000 * 5e-07);
    }

    [Fact]
    public void Perplexity_deep_research_reasoning_is_cheaper_than_its_output()
    {
        // perplexity/sonar-deep-research: input 2e-06, output 8e-06, reasoning 3e-06.
        var cost = Catalog.ComputeCost("perplexity/sonar-deep-research", null, new TokenUsage { InputTokens = 2_000, OutputTokens = 10_000, ReasoningTokens = 6_000 });

        AssertCost(cost, input: 2_000 * 2e-06, output: 4_000 * 8e-06, reasoning: 6_000 * 3e-06);
    }

    [Fact]
    public void Embedding_models_bill_input_only()
    {
        // text-embedding-3-small: input 2e-08.
        var cost = Catalog.ComputeCost("text-embedding-3-small", "openai", new TokenUsage { InputTokens = 1_000_000, OutputTokens = 1_536 });

        AssertCost(cost, input: 1_000_000 * 2e-08);
    }

    [Fact]
    public void Embedding_batch_and_an_embedding_without_an_output_price()
    {
        // text-embedding-3-large batches: input 6.5e-08. mistral/mistral-embed: input 1e-07 and no output price at all.
        AssertCost(Catalog.ComputeCost("text-embedding-3-large", null, new TokenUsage { InputTokens = 400_000 }, ServiceTier.Batch), input: 400_000 * 6.5e-08);
        AssertCost(Catalog.ComputeCost("mistral-embed", "mistral_ai", new TokenUsage { InputTokens = 5_000 }), input: 5_000 * 1e-07);
    }

    [Fact]
    public void Vertex_claude_snapshot_with_batch_rates()
    {
        // vertex_ai/claude-sonnet-4-5@20250929 batches: input 1.5e-06, output 7.5e-06.
        var cost = Catalog.ComputeCost("claude-sonnet-4-5@20250929", "gcp.vertex_ai", new TokenUsage { InputTokens = 20_000, OutputTokens = 2_000 }, ServiceTier.Batch);

        AssertCost(cost, input: 20_000 * 1.5e-06, output: 2_000 * 7.5e-06);
    }

    [Fact]
    public void Cache_counts_larger_than_the_prompt_never_make_fresh_input_negative()
    {
        // gpt-4o-mini: cache read 7.5e-08. A provider that reports cached tokens apart from input tokens would look like this.
        var cost = Catalog.ComputeCost("gpt-4o-mini", "openai", new TokenUsage { InputTokens = 100, CacheReadTokens = 900 });

        AssertCost(cost, input: 0, cachedInput: 900 * 7.5e-08);
    }

    [Fact]
    public void One_hour_cache_writes_fall_back_to_the_five_minute_rate_then_the_input_rate()
    {
        var withFiveMinuteRate = new ModelPrice { Input = 1e-06, Output = 2e-06, CacheWrite = 1.25e-06 };
        var inputOnly = new ModelPrice { Input = 1e-06, Output = 2e-06 };
        var usage = new TokenUsage { InputTokens = 1_000, CacheWrite1hTokens = 1_000 };

        Assert.Equal(1_000 * 1.25e-06, CostCalculator.Compute(withFiveMinuteRate, usage).CacheWrite, 1e-15);
        Assert.Equal(1_000 * 1e-06, CostCalculator.Compute(inputOnly, usage).CacheWrite, 1e-15);
    }

    private static void AssertCost(CostBreakdown? cost, double input, double cachedInput = 0, double cacheWrite = 0, double output = 0, double reasoning = 0)
    {
        Assert.NotNull(cost);
        var c = cost.Value;
        Assert.Equal(input, c.Input, 1e-12);
        Assert.Equal(cachedInput, c.CachedInput, 1e-12);
        Assert.Equal(cacheWrite, c.CacheWrite, 1e-12);
        Assert.Equal(output, c.Output, 1e-12);
        Assert.Equal(reasoning, c.Reasoning, 1e-12);
        Assert.Equal(input + cachedInput + cacheWrite + output + reasoning, c.Total, 1e-12);
    }
}
