using System.Globalization;
using System.Text;

namespace LlmObs.Server.Sampling;

/// <summary>
/// Writes the OpenTelemetry Collector configuration equivalent to the tail-sampling options, for users who outgrow
/// one LlmObs node: a stateless <c>loadbalancing</c> tier routes spans by trace id, so every span of a trace reaches
/// the same <c>tail_sampling</c> collector, which keeps what LlmObs would have kept and exports it to LlmObs.
/// </summary>
internal static class CollectorConfiguration
{
    public static string Write(TailSamplingOptions options, string llmobsOtlpEndpoint, string samplerTierHostname = "llmobs-tail-samplers")
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("# Tier 1: load balancers. Stateless; route every span of a trace to the same tail sampler.");
        yaml.AppendLine("receivers:");
        AppendOtlpReceiver(yaml);
        yaml.AppendLine("exporters:");
        yaml.AppendLine("  loadbalancing:");
        yaml.AppendLine("    routing_key: traceID");
        yaml.AppendLine("    protocol:");
        yaml.AppendLine("      otlp:");
        yaml.AppendLine("        tls:");
        yaml.AppendLine("          insecure: true");
        yaml.AppendLine("    resolver:");
        yaml.AppendLine("      dns:");
        yaml.AppendLine($"        hostname: {samplerTierHostname}");
        yaml.AppendLine("        port: 4317");
        yaml.AppendLine("service:");
        yaml.AppendLine("  pipelines:");
        yaml.AppendLine("    traces:");
        yaml.AppendLine("      receivers: [otlp]");
        yaml.AppendLine("      exporters: [loadbalancing]");
        yaml.AppendLine("---");
        yaml.AppendLine("# Tier 2: tail samplers. Policies are OR'd, in this order, as LlmObs evaluates them.");
        yaml.AppendLine("receivers:");
        AppendOtlpReceiver(yaml);
        yaml.AppendLine("processors:");
        yaml.AppendLine("  tail_sampling:");
        yaml.AppendLine($"    decision_wait: {Seconds(options.DecisionWait)}");
        yaml.AppendLine($"    num_traces: {options.MaxBufferedTraces}");
        yaml.AppendLine("    decision_cache:");
        yaml.AppendLine($"      sampled_cache_size: {options.DecisionCacheSize}");
        yaml.AppendLine("    policies:");
        AppendPolicies(yaml, options);
        yaml.AppendLine("exporters:");
        yaml.AppendLine("  otlphttp/llmobs:");
        yaml.AppendLine($"    endpoint: {llmobsOtlpEndpoint}");
        yaml.AppendLine("service:");
        yaml.AppendLine("  pipelines:");
        yaml.AppendLine("    traces:");
        yaml.AppendLine("      receivers: [otlp]");
        yaml.AppendLine("      processors: [tail_sampling]");
        yaml.AppendLine("      exporters: [otlphttp/llmobs]");
        return yaml.ToString();
    }

    private static void AppendPolicies(StringBuilder yaml, TailSamplingOptions options)
    {
        if (options.KeepErrors)
        {
            yaml.AppendLine("      - name: errors");
            yaml.AppendLine("        type: status_code");
            yaml.AppendLine("        status_code: { status_codes: [ERROR] }");
        }

        if (options.LatencyThreshold is { } threshold)
        {
            yaml.AppendLine("      - name: slow");
            yaml.AppendLine("        type: latency");
            yaml.AppendLine($"        latency: {{ threshold_ms: {(long)threshold.TotalMilliseconds} }}");
        }

        if (options.LatencyQuantile is { } quantile)
        {
            yaml.AppendLine($"      # LlmObs also keeps traces slower than their feature's running p{quantile * 100:0.#}; the Collector has no");
            yaml.AppendLine("      # equivalent, so set an absolute latency threshold above for the collector tier.");
        }

        foreach (var (key, range) in options.KeepAttributeRanges)
        {
            yaml.AppendLine($"      - name: attribute-{key}");
            yaml.AppendLine("        type: numeric_attribute");
            yaml.Append($"        numeric_attribute: {{ key: {key}");
            yaml.Append($", min_value: {Number(range.Min ?? double.MinValue)}");
            yaml.AppendLine($", max_value: {Number(range.Max ?? double.MaxValue)} }}");
        }

        foreach (var (feature, probability) in options.FeatureProbabilities)
        {
            AppendProbabilistic(yaml, $"feature-{feature}", options, probability, $"values: [{feature}]");
        }

        var listed = string.Join(", ", options.FeatureProbabilities.Keys);
        AppendProbabilistic(yaml, "probabilistic", options, options.Probability,
            options.FeatureProbabilities.Count == 0 ? null : $"values: [{listed}], invert_match: true");
    }

    /// <summary>
    /// A share of traces, restricted to some features with an <c>and</c> over <c>string_attribute</c>, and capped by
    /// <c>rate_limiting</c> where LlmObs has a spans-per-second ceiling.
    /// </summary>
    private static void AppendProbabilistic(StringBuilder yaml, string name, TailSamplingOptions options, double probability, string? featureFilter)
    {
        var parts = new List<string>();
        if (featureFilter is not null)
        {
            parts.Add($"{{ name: feature, type: string_attribute, string_attribute: {{ key: llmobs.feature, {featureFilter} }} }}");
        }

        parts.Add($"{{ name: share, type: probabilistic, probabilistic: {{ sampling_percentage: {Number(probability * 100)} }} }}");
        if (options.MaxSpansPerSecond is { } ceiling)
        {
            parts.Add($"{{ name: ceiling, type: rate_limiting, rate_limiting: {{ spans_per_second: {ceiling} }} }}");
        }

        yaml.AppendLine($"      - name: {name}");
        if (parts.Count == 1)
        {
            yaml.AppendLine("        type: probabilistic");
            yaml.AppendLine($"        probabilistic: {{ sampling_percentage: {Number(probability * 100)} }}");
            return;
        }

        yaml.AppendLine("        type: and");
        yaml.AppendLine("        and:");
        yaml.AppendLine("          and_sub_policy:");
        foreach (var part in parts)
        {
            yaml.AppendLine($"            - {part}");
        }
    }

    private static void AppendOtlpReceiver(StringBuilder yaml)
    {
        yaml.AppendLine("  otlp:");
        yaml.AppendLine("    protocols:");
        yaml.AppendLine("      grpc: { endpoint: 0.0.0.0:4317 }");
        yaml.AppendLine("      http: { endpoint: 0.0.0.0:4318 }");
    }

    private static string Seconds(TimeSpan value) => $"{value.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";

    private static string Number(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
