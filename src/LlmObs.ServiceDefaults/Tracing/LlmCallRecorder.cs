using System.Diagnostics;
using LlmObs.Context;
using LlmObs.Metrics;
using LlmObs.Pricing;
using LlmObs.Redaction;
using LlmObs.Semantics;
using Microsoft.Extensions.AI;
using OpenTelemetry;

namespace LlmObs.Tracing;

/// <summary>
/// What one pipeline adds to the GenAI spans Microsoft.Extensions.AI opens: feature, hashed user, conversation,
/// cache-write tokens, the cost breakdown, and the cost and token counters.
/// </summary>
internal sealed class LlmCallRecorder
{
    private static readonly object BoxedTrue = true;

    private readonly string? _feature;
    private readonly ContentPolicy? _policy;
    private readonly PriceCatalog? _catalog;
    private readonly ServiceTier _tier;
    private readonly string _operation;
    private LastPrice? _lastPrice;

    public LlmCallRecorder(LlmTracingOptions options, string operation, string? provider, string? defaultModel)
    {
        _feature = options.Feature;
        _catalog = options.PriceCatalog;
        _tier = options.ServiceTier;
        _operation = operation;
        Provider = provider;
        DefaultModel = defaultModel;

        // A pipeline that says nothing about content follows the process-wide policy, read per call so that
        // configuration applied after the pipeline was built still counts.
        if (options.Content is not null || options.Redaction is not null || options.UserIdHashKey is not null)
        {
            var defaults = ContentPolicy.Default;
            _policy = new ContentPolicy(
                options.Content ?? defaults.Mode,
                options.Redaction is { } redaction ? new PiiRedactor(redaction) : defaults.Redactor,
                options.UserIdHashKey is { } key ? new UserIdRedactor(key) : defaults.UserIds);
        }
    }

    public string? Provider { get; }

    public string? DefaultModel { get; }

    public ContentPolicy Policy => _policy ?? ContentPolicy.Default;

    private PriceCatalog Catalog => _catalog ?? LlmObsPricing.Catalog;

    /// <summary>The span of the OpenTelemetry client wrapped around us, if it is one of the given operation.</summary>
    /// <remarks>
    /// When nobody listens there is no such span, and <see cref="Activity.Current"/> may be an unrelated one
    /// (the HTTP request, or the tool orchestration around us) that must not be tagged.
    /// </remarks>
    public Activity? CurrentSpan() =>
        Activity.Current is { Source.Name: LlmObsTelemetry.SourceName, IsAllDataRequested: true } activity
        && activity.OperationName.StartsWith(_operation, StringComparison.Ordinal) ? activity : null;

    /// <summary>Tags the span with what is known before the call: feature, user, conversation, and the content policy.</summary>
    /// <remarks>
    /// AddTag rather than SetTag, which searches the tags for the name: the span was just opened by the OpenTelemetry
    /// client around us, which writes none of these names (the conversation only when <paramref name="conversationTagged"/>).
    /// </remarks>
    public void Begin(Activity span, bool conversationTagged)
    {
        // The baggage is read once: each read of Baggage.Current is an async-local look-up.
        var baggage = Baggage.Current;
        if ((baggage.GetBaggage(LlmObsContext.FeatureKey) ?? _feature) is { } feature)
        {
            span.AddTag(LlmObsAttributes.Feature, feature);
        }

        if (baggage.GetBaggage(LlmObsContext.UserHashKey) is { } user)
        {
            span.AddTag(LlmObsAttributes.UserHash, user);
        }

        if (!conversationTagged && baggage.GetBaggage(LlmObsContext.ConversationIdKey) is { } conversation)
        {
            span.AddTag(GenAiAttributes.ConversationId, conversation);
        }

        var policy = Policy;
        if (policy.Mode != ContentMode.Off)
        {
            // The redaction processor reads it when the span ends; the tool orchestration span above gets it too,
            // for the execute_tool spans it will parent.
            span.SetCustomProperty(ContentRedactionProcessor.PolicyProperty, policy);
            if (span.Parent is { Source.Name: LlmObsTelemetry.SourceName } parent)
            {
                parent.SetCustomProperty(ContentRedactionProcessor.PolicyProperty, policy);
            }
        }
    }

    /// <summary>Records tokens and cost on the span (when there is one) and in the counters.</summary>
    public void Record(Activity? span, string? model, UsageDetails? usage)
    {
        model ??= DefaultModel;
        if (usage is null || model is null)
        {
            return;
        }

        var reported = ReportedUsage.From(usage);
        var tokens = reported.Tokens;
        if (span is not null)
        {
            if (reported.HasCacheWrite)
            {
                span.SetTag(GenAiAttributes.CacheCreationTokens, tokens.CacheWriteTokens + tokens.CacheWrite1hTokens);
            }

            if (reported.CacheReadFromAdditionalCounts)
            {
                span.SetTag(GenAiAttributes.CacheReadTokens, tokens.CacheReadTokens);
            }
        }

        var catalog = Catalog;
        CostBreakdown? cost = PriceOf(catalog, model) is { } price ? CostCalculator.Compute(price, tokens, _tier) : null;
        if (span is not null)
        {
            if (cost is { } c)
            {
                // AddTag, not SetTag: these names are ours alone on the span, and SetTag searches the tags for each.
                // The total has one name, gen_ai.usage.cost (what Langfuse and OpenLIT read). A part that cost nothing
                // (no cache writes, no reasoning) is left off, as OpenTelemetry leaves off what does not apply: each
                // attribute costs the call ~20 ns.
                span.AddTag(GenAiAttributes.UsageCost, c.Total);
                AddAmount(span, LlmObsAttributes.CostInput, c.Input);
                AddAmount(span, LlmObsAttributes.CostCachedInput, c.CachedInput);
                AddAmount(span, LlmObsAttributes.CostCacheWrite, c.CacheWrite);
                AddAmount(span, LlmObsAttributes.CostOutput, c.Output);
                AddAmount(span, LlmObsAttributes.CostReasoning, c.Reasoning);
                // The catalog says both where the prices came from and that the cost was computed, not reported;
                // the currency, always USD, is a resource attribute (AddLlmObservabilityInstrumentation).
                span.AddTag(LlmObsAttributes.CostCatalog, catalog.Version);
            }
            else
            {
                span.AddTag(LlmObsAttributes.Unpriced, BoxedTrue);
            }
        }

        if (LlmObsMetrics.Cost.Enabled || LlmObsMetrics.Tokens.Enabled)
        {
            var dimensions = new TagList
            {
                { GenAiAttributes.OperationName, _operation },
                { GenAiAttributes.ProviderName, Provider },
                { GenAiAttributes.ResponseModel, model },
                { LlmObsAttributes.Feature, Feature() },
            };
            if (cost is { } priced)
            {
                LlmObsMetrics.Cost.Add(priced.Total, dimensions);
            }

            LlmObsMetrics.RecordTokens(tokens.InputTokens, "input", dimensions);
            LlmObsMetrics.RecordTokens(tokens.OutputTokens, "output", dimensions);
            LlmObsMetrics.RecordTokens(tokens.CacheReadTokens, "cache_read", dimensions);
            LlmObsMetrics.RecordTokens(tokens.CacheWriteTokens + tokens.CacheWrite1hTokens, "cache_write", dimensions);
            LlmObsMetrics.RecordTokens(tokens.ReasoningTokens, "reasoning", dimensions);
        }
    }

    // A pipeline nearly always sees one model, so the last one's price is kept: a call then costs a string comparison
    // rather than the catalog's hashing of the name. Catalogs are immutable, so a price found in one stays right.
    private ModelPrice? PriceOf(PriceCatalog catalog, string model)
    {
        var last = Volatile.Read(ref _lastPrice);
        if (last is not null && ReferenceEquals(last.Catalog, catalog) && string.Equals(last.Model, model, StringComparison.Ordinal))
        {
            return last.Price;
        }

        catalog.TryGetPrice(model, Provider, out var price);
        Volatile.Write(ref _lastPrice, new LastPrice(catalog, model, price));
        return price;
    }

    private static void AddAmount(Activity span, string name, double amount)
    {
        if (amount != 0)
        {
            span.AddTag(name, amount);
        }
    }

    // The request's feature wins over the pipeline's: one pipeline often serves several features.
    private string? Feature() => LlmObsContext.Feature ?? _feature;

    private sealed record LastPrice(PriceCatalog Catalog, string Model, ModelPrice? Price);
}
