using LlmObs.Tracing;
using Microsoft.Extensions.AI;
using Xunit;

namespace LlmObs.ServiceDefaults.Tests.Tracing;

public sealed class ReportedUsageTests
{
    [Theory]
    [InlineData("CacheCreationInputTokens")] // Anthropic's C# SDKs
    [InlineData("cache_creation_input_tokens")] // snake case, as the API spells it
    [InlineData("gen_ai.usage.cache_creation.input_tokens")] // the convention's attribute name
    [InlineData("CacheWriteInputTokens")]
    [InlineData("cache_write_tokens")]
    public void Cache_writes_are_read_under_every_common_spelling(string key)
    {
        var usage = new UsageDetails { InputTokenCount = 1_000, CachedInputTokenCount = 100, OutputTokenCount = 5, AdditionalCounts = new() { [key] = 300 } };

        var reported = ReportedUsage.From(usage);

        Assert.True(reported.HasCacheWrite);
        Assert.Equal(300, reported.Tokens.CacheWriteTokens);
        Assert.Equal(1_000, reported.Tokens.InputTokens);
    }

    [Fact]
    public void The_one_hour_part_of_a_cache_write_is_priced_apart()
    {
        var usage = new UsageDetails
        {
            InputTokenCount = 1_000, CachedInputTokenCount = 0,
            AdditionalCounts = new() { ["cache_creation_input_tokens"] = 500, ["ephemeral_1h_input_tokens"] = 200 },
        };

        var tokens = ReportedUsage.From(usage).Tokens;

        Assert.Equal(300, tokens.CacheWriteTokens);
        Assert.Equal(200, tokens.CacheWrite1hTokens);
    }

    [Fact]
    public void Adapters_that_pass_anthropics_counts_through_have_their_cache_tokens_added_to_input()
    {
        // Anthropic's input_tokens exclude cache reads and writes; an adapter that reports the cache read only in
        // AdditionalCounts passed them through untouched.
        var usage = new UsageDetails
        {
            InputTokenCount = 50, OutputTokenCount = 10,
            AdditionalCounts = new() { ["CacheReadInputTokens"] = 900, ["CacheCreationInputTokens"] = 100 },
        };

        var reported = ReportedUsage.From(usage);

        Assert.True(reported.CacheReadFromAdditionalCounts);
        Assert.Equal(1_050, reported.Tokens.InputTokens);
        Assert.Equal(900, reported.Tokens.CacheReadTokens);
        Assert.Equal(100, reported.Tokens.CacheWriteTokens);
    }
}
