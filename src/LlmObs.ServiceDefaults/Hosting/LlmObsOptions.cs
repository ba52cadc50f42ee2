using LlmObs.Pricing;
using LlmObs.Redaction;
using LlmObs.Sampling;

namespace LlmObs.Hosting;

/// <summary>
/// Service-side LlmObs settings, bound from the <c>LlmObs</c> configuration section (environment: <c>LlmObs__…</c>)
/// by <c>AddLlmObservabilityDefaults()</c>. They are the defaults of every <c>UseLlmTracing()</c> pipeline and of the
/// retrieval and rerank spans.
/// </summary>
public sealed class LlmObsOptions
{
    /// <summary>The configuration section: <c>LlmObs</c>.</summary>
    public const string SectionName = "LlmObs";

    /// <summary>Content on spans: <c>Off</c>, <c>Redacted</c> or <c>Raw</c>. Null: <c>Redacted</c> in Development, <c>Off</c> elsewhere.</summary>
    public ContentMode? Content { get; set; }

    /// <summary>Which kinds of personal data are redacted, and your own patterns.</summary>
    public LlmRedactionOptions Redaction { get; set; } = new();

    /// <summary>
    /// Key of the HMAC-SHA256 that hashes user ids (at least 16 characters). Keep it secret and the same in every service.
    /// Without one, a random key per process is used: ids are still never exported, but hashes do not correlate.
    /// </summary>
    public string? UserIdHashKey { get; set; }

    /// <summary>Price overrides and deployment aliases.</summary>
    public PricingOptions Pricing { get; set; } = new();

    /// <summary>Head sampling by feature; null (the default) records every trace.</summary>
    public HeadSamplingOptions? Sampling { get; set; }
}
