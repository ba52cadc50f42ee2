using LlmObs.Pricing;
using LlmObs.Redaction;

namespace LlmObs.Tracing;

/// <summary>Options for <c>UseLlmTracing()</c> on a chat client or embedding generator pipeline.</summary>
/// <remarks>Whatever is left null here comes from the <c>LlmObs</c> configuration section (see <c>AddLlmObservabilityDefaults()</c>).</remarks>
public sealed class LlmTracingOptions
{
    /// <summary>
    /// The product feature the calls of this pipeline serve, e.g. <c>summarise_thread</c>, written as <c>llmobs.feature</c>
    /// so cost and quality can be grouped by feature. A feature set for the request with <c>LlmObsContext.Begin</c> wins.
    /// </summary>
    public string? Feature { get; set; }

    /// <summary>
    /// What content (prompts, completions, tool arguments and results) reaches the spans. Null takes the configured
    /// <c>LlmObs:Content</c>, and without it <see cref="ContentMode.Redacted"/> in Development and <see cref="ContentMode.Off"/> elsewhere.
    /// </summary>
    public ContentMode? Content { get; set; }

    /// <summary>
    /// Shorthand for <see cref="Content"/>: <see langword="true"/> records content with personal data redacted,
    /// <see langword="false"/> records none.
    /// </summary>
    public bool EnableSensitiveData
    {
        get => Content is ContentMode.Redacted or ContentMode.Raw;
        set => Content = value ? ContentMode.Redacted : ContentMode.Off;
    }

    /// <summary>Which kinds of personal data are redacted; null takes the configured <c>LlmObs:Redaction</c> (everything by default).</summary>
    public LlmRedactionOptions? Redaction { get; set; }

    /// <summary>
    /// The key of the HMAC-SHA256 that hashes user ids (at least 16 characters); null takes the configured
    /// <c>LlmObs:UserIdHashKey</c>. Share one key between services so that their hashes of a user agree.
    /// </summary>
    public string? UserIdHashKey { get; set; }

    /// <summary>
    /// The catalog that prices calls. Defaults to the bundled catalog with the overrides and aliases of <c>LlmObs:Pricing</c>.
    /// </summary>
    public PriceCatalog? PriceCatalog { get; set; }

    /// <summary>The service tier calls are billed at (batch, priority and flex have their own prices).</summary>
    public ServiceTier ServiceTier { get; set; } = ServiceTier.Standard;
}
