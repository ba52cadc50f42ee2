using LlmObs.Semantics;
using LlmObs.Server.Ingest;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Forwarding;

/// <summary>
/// Before forwarding, gives spans from other conventions (OpenInference, Langfuse, OpenLLMetry, Vercel AI SDK) the
/// <c>gen_ai.*</c> names the Aspire dashboard's GenAI view keys off, and every priced span its cost. Only adds what
/// is missing: a sender's own attribute is never overwritten. The stored copy keeps the attributes as received.
/// </summary>
internal sealed class GatewayEnricher
{
    /// <summary>Enriches the spans in place; true when any attribute was added (so the request must be re-serialised).</summary>
    public bool Enrich(IReadOnlyList<NormalizedSpan> spans)
    {
        var changed = false;
        foreach (var (span, view) in spans)
        {
            changed |= Enrich(span, view);
        }

        return changed;
    }

    private static bool Enrich(Span span, LlmView view)
    {
        var present = new HashSet<string>(span.Attributes.Count, StringComparer.Ordinal);
        foreach (var attribute in span.Attributes)
        {
            present.Add(attribute.Key);
        }

        var added = 0;
        void Add(string key, AnyValue? value)
        {
            if (value is not null && present.Add(key))
            {
                span.Attributes.Add(new KeyValue { Key = key, Value = value });
                added++;
            }
        }

        if (view.Convention != "gen_ai")
        {
            Add(GenAiAttributes.OperationName, Text(view.Operation));
            if (!present.Contains(GenAiAttributes.System))
            {
                Add(GenAiAttributes.ProviderName, Text(view.Provider ?? ProviderOf(view.Model)));
            }

            Add(GenAiAttributes.RequestModel, Text(view.Model));
            Add(GenAiAttributes.InputTokens, Number(view.InputTokens));
            Add(GenAiAttributes.OutputTokens, Number(view.OutputTokens));
            Add(GenAiAttributes.CacheReadTokens, Number(view.CacheReadTokens));
            Add("gen_ai.usage.cache_creation.input_tokens", Number(view.CacheWriteTokens));
            Add(GenAiAttributes.ReasoningTokens, Number(view.ReasoningTokens));
            if (view.Tool?.Name is { } tool)
            {
                Add("gen_ai.tool.name", Text(tool));
            }
        }

        if (view.CostUsd is { } total)
        {
            Add(LlmObsAttributes.CostTotal, Number(total));
            Add(GenAiAttributes.UsageCost, Number(total));
            Add(LlmObsAttributes.CostCurrency, Text("USD"));
            Add(LlmObsAttributes.CostSource, Text(view.CostSource == "provider" ? "provider" : "computed"));
            Add(LlmObsAttributes.CostInput, Number(view.Cost?.Input));
            Add(LlmObsAttributes.CostCachedInput, Number(view.Cost?.CachedInput));
            Add(LlmObsAttributes.CostCacheWrite, Number(view.Cost?.CacheWrite));
            Add(LlmObsAttributes.CostOutput, Number(view.Cost?.Output));
            Add(LlmObsAttributes.CostReasoning, Number(view.Cost?.Reasoning));
            Add(LlmObsAttributes.CostCatalog, Text(view.Cost?.Catalog));
        }

        return added > 0;
    }

    // The dashboard's GenAI view needs a provider; Langfuse spans never name one, but their model usually does.
    private static string? ProviderOf(string? model) => model?.ToLowerInvariant() switch
    {
        null => null,
        var m when m.StartsWith("gpt-", StringComparison.Ordinal) || m.StartsWith("o1", StringComparison.Ordinal)
            || m.StartsWith("o3", StringComparison.Ordinal) || m.StartsWith("o4", StringComparison.Ordinal)
            || m.StartsWith("text-embedding-", StringComparison.Ordinal) => "openai",
        var m when m.StartsWith("claude", StringComparison.Ordinal) => "anthropic",
        var m when m.StartsWith("gemini", StringComparison.Ordinal) => "gcp.gemini",
        var m when m.StartsWith("mistral", StringComparison.Ordinal) || m.StartsWith("codestral", StringComparison.Ordinal) => "mistral_ai",
        var m when m.StartsWith("command", StringComparison.Ordinal) => "cohere",
        _ => null,
    };

    private static AnyValue? Text(string? value) => value is null ? null : new AnyValue { StringValue = value };

    private static AnyValue? Number(long? value) => value is null ? null : new AnyValue { IntValue = value.Value };

    private static AnyValue? Number(double? value) =>
        value is null || !double.IsFinite(value.Value) ? null : new AnyValue { DoubleValue = Math.Round(value.Value, 12, MidpointRounding.AwayFromZero) };
}
