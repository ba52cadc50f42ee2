namespace LlmObs.Semantics;

/// <summary>
/// Attributes LlmObs adds where the GenAI conventions have no name yet: the cost breakdown and
/// the ambient feature. Documented in the README's attribute table.
/// </summary>
public static class LlmObsAttributes
{
    /// <summary>
    /// Total cost of the call in USD as the LlmObs server's gateway writes it on spans it priced. Services write the
    /// total once, as <c>gen_ai.usage.cost</c>; the server reads both.
    /// </summary>
    public const string CostTotal = "llmobs.cost.total";

    /// <summary>Cost of the fresh (uncached) input tokens.</summary>
    public const string CostInput = "llmobs.cost.input";

    /// <summary>Cost of the input tokens read from the provider's prompt cache.</summary>
    public const string CostCachedInput = "llmobs.cost.cached_input";

    /// <summary>Cost of the input tokens written to the provider's prompt cache.</summary>
    public const string CostCacheWrite = "llmobs.cost.cache_write";

    /// <summary>Cost of the output tokens that are not reasoning tokens.</summary>
    public const string CostOutput = "llmobs.cost.output";

    /// <summary>Cost of the reasoning tokens.</summary>
    public const string CostReasoning = "llmobs.cost.reasoning";

    /// <summary>
    /// ISO 4217 currency of every cost amount; always <c>USD</c>. A resource attribute of the services
    /// (<c>AddLlmObservabilityInstrumentation()</c>), as it is the same for every span they export.
    /// </summary>
    public const string CostCurrency = "llmobs.cost.currency";

    /// <summary>
    /// <c>provider</c> when the provider reported the cost. A cost without it was computed from the catalog named in
    /// <see cref="CostCatalog"/>, as every cost <c>UseLlmTracing()</c> writes is.
    /// </summary>
    public const string CostSource = "llmobs.cost.source";

    /// <summary>The price catalog version that computed the cost, e.g. <c>litellm-2026-07-24</c>.</summary>
    public const string CostCatalog = "llmobs.cost.catalog";

    /// <summary><see langword="true"/> when the model is not in the catalog: the call has no cost rather than a wrong one.</summary>
    public const string Unpriced = "llmobs.cost.unpriced";

    /// <summary>The product feature the call serves, e.g. <c>summarise_thread</c>.</summary>
    public const string Feature = "llmobs.feature";

    /// <summary>How many documents a retrieval or rerank returned.</summary>
    public const string ReturnedCount = "llmobs.retrieval.returned_count";

    /// <summary>
    /// The user the call was made for, as a keyed HMAC-SHA256 of their id (hex): stable per key, never the raw id.
    /// The OpenTelemetry name for an anonymised user id.
    /// </summary>
    public const string UserHash = "user.hash";

    /// <summary>How many pieces of personal data were replaced in the span's content attributes.</summary>
    public const string RedactedCount = "llmobs.content.redacted_count";

    /// <summary>How many candidate documents a rerank scored.</summary>
    public const string RerankInputCount = "llmobs.rerank.input_count";
}
