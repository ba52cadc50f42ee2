using Google.Protobuf.Collections;
using LlmObs.Pricing;
using LlmObs.Semantics;
using LlmObs.Server.Ingest;
using OpenTelemetry.Proto.Common.V1;

namespace LlmObs.Server.Normalization;

/// <summary>
/// Reads the canonical LLM view out of a span's attributes, and prices the span when the sender did not.
/// </summary>
internal sealed class LlmSpanNormalizer(PriceCatalog catalog)
{
    public LlmView Normalize(RepeatedField<KeyValue> attributes)
    {
        string? operation = null, provider = null, system = null, requestModel = null, responseModel = null, feature = null, costSource = null;
        long? input = null, output = null, cacheRead = null, cacheWrite = null, reasoning = null, legacyPrompt = null, legacyCompletion = null;
        double? cost = null;

        foreach (var attribute in attributes)
        {
            var value = attribute.Value;
            switch (attribute.Key)
            {
                case GenAiAttributes.OperationName: operation = AsString(value); break;
                case GenAiAttributes.ProviderName: provider = AsString(value); break;
                case GenAiAttributes.System: system = AsString(value); break;
                case GenAiAttributes.RequestModel: requestModel = AsString(value); break;
                case GenAiAttributes.ResponseModel: responseModel = AsString(value); break;
                case GenAiAttributes.InputTokens: input = AsLong(value); break;
                case GenAiAttributes.OutputTokens: output = AsLong(value); break;
                case "gen_ai.usage.prompt_tokens": legacyPrompt = AsLong(value); break;
                case "gen_ai.usage.completion_tokens": legacyCompletion = AsLong(value); break;
                case GenAiAttributes.CacheReadTokens: cacheRead = AsLong(value); break;
                case "gen_ai.usage.cache_creation.input_tokens": cacheWrite = AsLong(value); break;
                case GenAiAttributes.ReasoningTokens: reasoning = AsLong(value); break;
                case LlmObsAttributes.CostTotal: cost = AsDouble(value); break;
                case GenAiAttributes.UsageCost: cost ??= AsDouble(value); break;
                case LlmObsAttributes.CostSource: costSource = AsString(value); break;
                case LlmObsAttributes.Feature: feature = AsString(value); break;
            }
        }

        provider ??= system;
        input ??= legacyPrompt;
        output ??= legacyCompletion;
        if (operation is null && provider is null)
        {
            return LlmView.None;
        }

        var model = responseModel ?? requestModel;
        if (cost is not null)
        {
            costSource = costSource == "provider" ? "provider" : "client";
        }
        else if (model is not null && (input is not null || output is not null))
        {
            var usage = new TokenUsage
            {
                InputTokens = input ?? 0,
                OutputTokens = output ?? 0,
                CacheReadTokens = cacheRead ?? 0,
                CacheWriteTokens = cacheWrite ?? 0,
                ReasoningTokens = reasoning ?? 0,
            };
            if (catalog.ComputeCost(model, provider, usage) is { } computed)
            {
                cost = computed.Total;
                costSource = "server";
            }
        }

        return new LlmView
        {
            SpanKind = KindOf(operation),
            Operation = operation,
            Provider = provider,
            Model = model,
            InputTokens = input,
            OutputTokens = output,
            CacheReadTokens = cacheRead,
            CacheWriteTokens = cacheWrite,
            ReasoningTokens = reasoning,
            CostUsd = cost,
            CostSource = costSource,
            Feature = feature,
        };
    }

    private static string KindOf(string? operation) => operation switch
    {
        "chat" or "text_completion" or "generate_content" => "llm",
        "embeddings" => "embedding",
        "retrieval" => "retrieval",
        "rerank" => "rerank",
        "execute_tool" => "tool",
        "invoke_agent" or "create_agent" => "agent",
        _ => "llm",
    };

    private static string? AsString(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    private static long? AsLong(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => (long)value.DoubleValue,
        AnyValue.ValueOneofCase.StringValue when long.TryParse(value.StringValue, out var parsed) => parsed,
        _ => null,
    };

    private static double? AsDouble(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.StringValue when double.TryParse(value.StringValue, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };
}
