using LlmObs.Pricing;
using LlmObs.Semantics;
using LlmObs.Server.Ingest;
using LlmObs.Server.Normalization.Conventions;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Normalization;

/// <summary>
/// Reads the one canonical LLM view out of a span, whichever convention produced it, and prices the span with the
/// shared catalog when the sender did not.
/// </summary>
internal sealed class LlmSpanNormalizer(PriceCatalog catalog)
{
    // Most specific first: OpenLLMetry and the Vercel AI SDK also write some gen_ai.* names, and their own reading
    // of a span (its kind, its content) is the better one. GenAI, the shared vocabulary, fills in the rest.
    private static readonly ILlmConvention[] Conventions =
    [
        new OpenInferenceConvention(),
        new LangfuseConvention(),
        new VercelAiConvention(),
        new TraceloopConvention(),
        new GenAiConvention(),
    ];

    // Every convention's attributes start with one of these; a span with none (an HTTP or database span, most of
    // them) needs no lookup table at all.
    private static readonly string[] ConventionPrefixes = ["gen_ai.", "llm.", "openinference.", "langfuse.", "traceloop.", "ai.", "operation.name"];

    public LlmView Normalize(Span span)
    {
        if (!HasConventionAttribute(span))
        {
            return LlmView.None;
        }

        var attributes = new SpanAttributes(span.Attributes);
        var draft = new LlmViewDraft();
        foreach (var convention in Conventions)
        {
            if (convention.Recognises(attributes, span))
            {
                draft.Convention ??= convention.Name;
                convention.Read(attributes, span, draft);
            }
        }

        if (draft.Convention is null)
        {
            return LlmView.None;
        }

        // A span of no known operation but with a model or tokens is a model call under an older or partial naming.
        draft.Kind ??= draft.Model is not null || draft.HasTokens ? SpanKinds.Llm : SpanKinds.Other;
        ReadLlmObsAttributes(attributes, draft);
        draft.User ??= attributes.String("user.id") ?? attributes.String("enduser.id") ?? attributes.String(LlmObsAttributes.UserHash);
        draft.Session ??= attributes.String("session.id");
        draft.Failed |= span.Status?.Code == Status.Types.StatusCode.Error;
        Price(draft);
        return draft.ToView();
    }

    private static bool HasConventionAttribute(Span span)
    {
        foreach (var attribute in span.Attributes)
        {
            foreach (var prefix in ConventionPrefixes)
            {
                if (attribute.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>What LlmObs's own service side writes: the client-computed cost and its breakdown, and the feature.</summary>
    private static void ReadLlmObsAttributes(SpanAttributes a, LlmViewDraft d)
    {
        // The service side writes its total as gen_ai.usage.cost beside the catalog that computed it; older services
        // and the gateway also write llmobs.cost.total.
        var total = a.Double(LlmObsAttributes.CostTotal)
            ?? (a.String(LlmObsAttributes.CostCatalog) is not null ? a.Double(GenAiAttributes.UsageCost) : null);
        if (total is not null)
        {
            // LlmObs's own total is the most deliberate figure a span can carry.
            d.CostTotal = total;
            d.CostSource = a.String(LlmObsAttributes.CostSource) == "provider" ? "provider" : "client";
            // The service side leaves off a part that cost nothing.
            d.CostInput = a.Double(LlmObsAttributes.CostInput) ?? d.CostInput ?? 0;
            d.CostCachedInput = a.Double(LlmObsAttributes.CostCachedInput) ?? d.CostCachedInput ?? 0;
            d.CostCacheWrite = a.Double(LlmObsAttributes.CostCacheWrite) ?? d.CostCacheWrite ?? 0;
            d.CostOutput = a.Double(LlmObsAttributes.CostOutput) ?? d.CostOutput ?? 0;
            d.CostReasoning = a.Double(LlmObsAttributes.CostReasoning) ?? d.CostReasoning ?? 0;
            d.CostCatalog = a.String(LlmObsAttributes.CostCatalog);
        }
        else if (d.CostTotal is not null)
        {
            d.CostSource ??= "client";
        }

        d.Feature ??= a.String(LlmObsAttributes.Feature);
    }

    private void Price(LlmViewDraft d)
    {
        if (d.CostTotal is not null || d.Model is null || !d.HasTokens || d.Kind is not (SpanKinds.Llm or SpanKinds.Embedding))
        {
            return;
        }

        var usage = new TokenUsage
        {
            InputTokens = Math.Max(0, d.InputTokens ?? 0),
            OutputTokens = Math.Max(0, d.OutputTokens ?? 0),
            CacheReadTokens = Math.Max(0, d.CacheReadTokens ?? 0),
            CacheWriteTokens = Math.Max(0, d.CacheWriteTokens ?? 0),
            ReasoningTokens = Math.Max(0, d.ReasoningTokens ?? 0),
        };
        if (catalog.ComputeCost(d.Model, d.Provider, usage) is { } cost)
        {
            d.CostTotal = cost.Total;
            d.CostSource = "server";
            d.CostInput = cost.Input;
            d.CostCachedInput = cost.CachedInput;
            d.CostCacheWrite = cost.CacheWrite;
            d.CostOutput = cost.Output;
            d.CostReasoning = cost.Reasoning;
            d.CostCatalog = catalog.Version;
        }
    }
}
