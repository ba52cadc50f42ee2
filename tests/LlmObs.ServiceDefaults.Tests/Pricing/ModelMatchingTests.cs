using LlmObs.Pricing;
using Xunit;

namespace LlmObs.ServiceDefaults.Tests.Pricing;

// Prices are the litellm input_cost_per_token of the entry each name must land on.
public sealed class ModelMatchingTests
{
    private static readonly PriceCatalog Catalog = PriceCatalog.Default;

    [Fact]
    public void Gpt4o_and_gpt4o_mini_never_borrow_each_others_price()
    {
        Assert.Equal(2.5e-06, InputPrice("gpt-4o"));
        Assert.Equal(1.5e-07, InputPrice("gpt-4o-mini"));
        Assert.Equal(1.5e-07, InputPrice("GPT-4o-Mini"));
        Assert.Equal(3e-05, InputPrice("gpt-4")); // a prefix of gpt-4o, with its own price
    }

    [Theory]
    [InlineData("gpt-4o-m")] // a prefix of gpt-4o-mini
    [InlineData("gpt-4o-mini-tts")] // text-to-speech is not priced per token in the catalog, and is not gpt-4o-mini
    [InlineData("gpt-4o-mini-tts-2025-03-20")]
    [InlineData("gpt-4o-turbo")] // starts with gpt-4o
    [InlineData("my-company-model")]
    [InlineData("")]
    public void Names_not_in_the_table_are_unpriced_rather_than_guessed(string model)
    {
        Assert.False(Catalog.TryGetPrice(model, "openai", out _));
        Assert.Null(Catalog.ComputeCost(model, "openai", new TokenUsage { InputTokens = 1_000, OutputTokens = 1_000 }));
    }

    [Fact]
    public void An_exact_dated_key_wins_over_its_undated_model()
    {
        Assert.Equal(5e-06, InputPrice("gpt-4o-2024-05-13")); // gpt-4o itself is 2.5e-06
        Assert.Equal(4e-07, InputPrice("mistral-medium-2505", "mistral")); // mistral/mistral-medium is 2.7e-06
    }

    [Theory]
    [InlineData("gpt-4o-mini-2025-12-01", null, 1.5e-07)] // -YYYY-MM-DD → gpt-4o-mini
    [InlineData("claude-haiku-4-5-20260101", "anthropic", 1e-06)] // -YYYYMMDD → claude-haiku-4-5
    [InlineData("claude-sonnet-4-5@20260101", "gcp.vertex_ai", 3e-06)] // @YYYYMMDD → vertex_ai/claude-sonnet-4-5
    [InlineData("claude-opus-4-5-latest", "anthropic", 5e-06)] // -latest → claude-opus-4-5
    public void An_unknown_snapshot_is_priced_as_its_model(string model, string? provider, double inputPrice)
    {
        Assert.Equal(inputPrice, InputPrice(model, provider));
    }

    [Fact]
    public void A_provider_prefix_on_the_name_is_removed()
    {
        Assert.Equal(2.5e-06, InputPrice("openai/gpt-4o"));
        Assert.Equal(1.5e-07, InputPrice("openai/gpt-4o-mini-2024-07-18"));
    }

    [Fact]
    public void The_provider_selects_its_own_entry()
    {
        Assert.True(Catalog.TryGetPrice("gemini-2.5-pro", "gemini", out var gemini));
        Assert.Equal("gemini", gemini.Provider); // gemini/gemini-2.5-pro, not the Vertex entry keyed gemini-2.5-pro
        Assert.True(Catalog.TryGetPrice("gemini-2.5-pro", null, out var vertex));
        Assert.Equal("vertex_ai-language-models", vertex.Provider);

        // Google's API reports "models/…"; the gemini entry is still found.
        Assert.Equal(3e-07, InputPrice("models/gemini-2.5-flash", "gcp.gemini"));

        // Azure OpenAI bills gpt-4o-mini at 1.65e-07, OpenAI at 1.5e-07.
        Assert.Equal(1.65e-07, InputPrice("gpt-4o-mini", "azure"));
        Assert.Equal(1.65e-07, InputPrice("gpt-4o-mini", "azure.ai.openai"));
        Assert.Equal(1.5e-07, InputPrice("gpt-4o-mini", "openai"));
    }

    [Fact]
    public void Azure_deployment_names_are_priced_through_aliases()
    {
        var catalog = Catalog.WithAliases(new Dictionary<string, string>
        {
            ["prod-chat"] = "azure/gpt-4o-mini",
            ["embeddings"] = "text-embedding-3-small",
        });

        // azure/gpt-4o-mini: input 1.65e-07, output 6.6e-07.
        var cost = catalog.ComputeCost("Prod-Chat", "azure.ai.openai", new TokenUsage { InputTokens = 10_000, OutputTokens = 1_000 });
        Assert.NotNull(cost);
        Assert.Equal(10_000 * 1.65e-07 + 1_000 * 6.6e-07, cost.Value.Total, 1e-12);

        Assert.True(catalog.TryGetPrice("embeddings", null, out var embedding));
        Assert.Equal(2e-08, embedding.Input);

        Assert.False(Catalog.TryGetPrice("prod-chat", "azure.ai.openai", out _)); // the original catalog is unchanged
    }

    [Fact]
    public void Lookups_are_repeatable()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(1.5e-07, InputPrice("gpt-4o-mini-2025-12-01"));
            Assert.False(Catalog.TryGetPrice("no-such-model", null, out _));
        }
    }

    private static double? InputPrice(string model, string? provider = null) =>
        Catalog.TryGetPrice(model, provider, out var price) ? price.Input : null;
}
