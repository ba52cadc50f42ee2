using System.Text;
using System.Text.Json;
using LlmObs.Pricing;
using Xunit;

namespace LlmObs.ServiceDefaults.Tests.Pricing;

public sealed class PriceCatalogTests
{
    private static readonly string[] PricedModes = ["chat", "completion", "responses", "embedding"];

    [Fact]
    public void The_bundled_catalog_says_which_table_it_comes_from()
    {
        Assert.Equal("litellm-2026-07-24", PriceCatalog.Default.Version);
        Assert.Same(PriceCatalog.Default, PriceCatalog.Default);
    }

    [Fact]
    public void Overrides_win_and_add_models_without_changing_the_original()
    {
        var catalog = PriceCatalog.Default.WithOverrides(new Dictionary<string, ModelPrice>
        {
            ["gpt-4o"] = new() { Input = 1e-06, Output = 2e-06 },
            ["acme-finetune"] = new() { Input = 4e-06, Output = 8e-06, CacheRead = 1e-06 },
        });

        var usage = new TokenUsage { InputTokens = 1_000, CacheReadTokens = 500, OutputTokens = 100 };
        // The override has no cache-read price, so the cached half is billed at its input rate.
        Assert.Equal(500 * 1e-06 + 500 * 1e-06 + 100 * 2e-06, catalog.ComputeCost("gpt-4o", "openai", usage)!.Value.Total, 1e-12);
        Assert.Equal(500 * 4e-06 + 500 * 1e-06 + 100 * 8e-06, catalog.ComputeCost("acme-finetune", null, usage)!.Value.Total, 1e-12);
        Assert.Equal("litellm-2026-07-24+overrides", catalog.Version);

        // gpt-4o in the table: input 2.5e-06, cache read 1.25e-06, output 1e-05.
        Assert.Equal(500 * 2.5e-06 + 500 * 1.25e-06 + 100 * 1e-05, PriceCatalog.Default.ComputeCost("gpt-4o", "openai", usage)!.Value.Total, 1e-12);
        Assert.Null(PriceCatalog.Default.ComputeCost("acme-finetune", null, usage));
    }

    [Fact]
    public void A_catalog_can_be_loaded_from_json_with_tiers()
    {
        const string json = """
            {"source":"internal","version":"2026-01-01","models":{
            "house-model":{"input":1E-06,"mode":"chat","output":4E-06,"tiers":[{"above":100000,"input":2E-06},{"input":5E-07,"output":2E-06,"service":"batch"}]}
            }}
            """;
        var catalog = PriceCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)));

        Assert.Equal("internal-2026-01-01", catalog.Version);
        var usage = new TokenUsage { InputTokens = 1_000, OutputTokens = 1_000 };
        Assert.Equal(1_000 * 5e-07 + 1_000 * 2e-06, catalog.ComputeCost("house-model", null, usage, ServiceTier.Batch)!.Value.Total, 1e-12);
        Assert.Equal(150_000 * 2e-06 + 1_000 * 4e-06, catalog.ComputeCost("house-model", null, usage with { InputTokens = 150_000 })!.Value.Total, 1e-12);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"source":"x","version":"1"}""")]
    [InlineData("""{"source":"x","version":"1","models":{"m":{"output":1}}}""")] // input is required
    [InlineData("not json")]
    public void A_document_that_is_not_a_catalog_is_rejected(string json)
    {
        Assert.ThrowsAny<JsonException>(() => PriceCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))));
    }

    [Fact]
    public void The_bundled_catalog_covers_every_token_priced_model_of_the_source_table()
    {
        var source = FindSourceTable();
        if (source is null)
        {
            Assert.Skip("../shared/data/litellm-model-prices.json is not next to the repository; the coverage check needs it.");
        }

        using var table = JsonDocument.Parse(File.ReadAllBytes(source));
        var checkedModels = 0;
        var problems = new List<string>();
        foreach (var entry in table.RootElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Object
                || !entry.Value.TryGetProperty("mode", out var mode) || !PricedModes.Contains(mode.GetString())
                || !entry.Value.TryGetProperty("input_cost_per_token", out var input))
            {
                continue;
            }

            checkedModels++;
            if (!PriceCatalog.Default.TryGetPrice(entry.Name, null, out var price))
            {
                problems.Add($"{entry.Name}: missing");
            }
            else if (price.Input != input.GetDouble()
                || (entry.Value.TryGetProperty("output_cost_per_token", out var output) && price.Output != output.GetDouble())
                || (entry.Value.TryGetProperty("cache_read_input_token_cost", out var cacheRead) && price.CacheRead != cacheRead.GetDouble()))
            {
                problems.Add($"{entry.Name}: prices differ from the table");
            }
        }

        Assert.Empty(problems);
        Assert.Equal(2_382, checkedModels);
    }

    private static string? FindSourceTable()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmObs.sln")))
            {
                var path = Path.Combine(dir.FullName, "..", "shared", "data", "litellm-model-prices.json");
                return File.Exists(path) ? path : null;
            }
        }

        return null;
    }
}
