using LlmObs.Pricing;

namespace LlmObs.Tracing;

/// <summary>Options for <c>UseLlmTracing()</c> on a chat client or embedding generator pipeline.</summary>
public sealed class LlmTracingOptions
{
    /// <summary>
    /// The product feature the calls of this pipeline serve, e.g. <c>summarise_thread</c>.
    /// Written as <c>llmobs.feature</c> so cost and quality can be grouped by feature.
    /// </summary>
    public string? Feature { get; set; }

    /// <summary>
    /// Whether prompts and completions are recorded on spans. Off by default: content is often personal data.
    /// </summary>
    public bool EnableSensitiveData { get; set; }

    /// <summary>
    /// The catalog that prices calls. Defaults to the catalog bundled with LlmObs, built from the LiteLLM price table.
    /// </summary>
    public PriceCatalog? PriceCatalog { get; set; }

    /// <summary>The service tier calls are billed at (batch, priority and flex have their own prices).</summary>
    public ServiceTier ServiceTier { get; set; } = ServiceTier.Standard;
}
