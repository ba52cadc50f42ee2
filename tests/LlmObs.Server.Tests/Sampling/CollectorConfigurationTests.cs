using LlmObs.Server.Sampling;

namespace LlmObs.Server.Tests.Sampling;

public sealed class CollectorConfigurationTests
{
    [Fact]
    public void The_five_percent_recipe_becomes_a_loadbalancing_tier_and_equivalent_tail_sampling_policies()
    {
        var options = new TailSamplingOptions
        {
            Enabled = true,
            Probability = 0.05,
            LatencyThreshold = TimeSpan.FromSeconds(5),
            FeatureProbabilities = { ["launch"] = 1.0 },
            KeepAttributeRanges = { ["eval.score"] = new NumericRange { Max = 0.3 } },
        };

        var yaml = CollectorConfiguration.Write(options, "http://llmobs:4318");

        Assert.Contains("routing_key: traceID", yaml);
        Assert.Contains("status_code: { status_codes: [ERROR] }", yaml);
        Assert.Contains("latency: { threshold_ms: 5000 }", yaml);
        Assert.Contains("numeric_attribute: { key: eval.score, min_value: ", yaml);
        Assert.Contains("max_value: 0.3 }", yaml);
        Assert.Contains("string_attribute: { key: llmobs.feature, values: [launch] }", yaml);
        Assert.Contains("string_attribute: { key: llmobs.feature, values: [launch], invert_match: true }", yaml);
        Assert.Contains("sampling_percentage: 5 }", yaml);
        Assert.Contains("sampling_percentage: 100 }", yaml);
        Assert.Contains("endpoint: http://llmobs:4318", yaml);

        // The order is the evaluation order: errors before the random share.
        Assert.True(yaml.IndexOf("name: errors", StringComparison.Ordinal) < yaml.IndexOf("name: probabilistic", StringComparison.Ordinal));
    }
}
