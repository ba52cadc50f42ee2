using System.Globalization;
using System.Text.Json;
using LlmObs.Server.Ingest;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Normalization.Conventions;

/// <summary>
/// Langfuse's OpenTelemetry attributes (its JS SDK v4/v5 and Python SDK v3): <c>langfuse.observation.type</c>,
/// <c>.model.name</c>, usage and cost as JSON strings (<c>usage_details</c>, <c>cost_details</c>), input/output,
/// <c>completion_start_time</c>, <c>level</c>; user and session in <c>user.id</c> / <c>session.id</c>.
/// </summary>
internal sealed class LangfuseConvention : ILlmConvention
{
    private const string Prefix = "langfuse.observation.";

    // Langfuse usage keys are free-form; these are the ones its SDKs and integrations write.
    private static readonly string[] InputKeys = ["input", "prompt_tokens", "input_tokens", "promptTokens", "inputTokens"];
    private static readonly string[] OutputKeys = ["output", "completion_tokens", "output_tokens", "completionTokens", "outputTokens"];
    private static readonly string[] CacheReadKeys = ["input_cached_tokens", "cache_read_input_tokens", "input_cache_read", "cached_tokens"];
    private static readonly string[] CacheWriteKeys = ["cache_creation_input_tokens", "input_cache_creation", "input_cache_write"];
    private static readonly string[] ReasoningKeys = ["output_reasoning_tokens", "reasoning_tokens", "output_reasoning"];
    private static readonly string[] TotalKeys = ["total", "total_tokens", "totalTokens"];

    public string Name => "langfuse";

    public bool Recognises(SpanAttributes attributes, Span span) =>
        attributes.AnyStartsWith(Prefix) || attributes.AnyStartsWith("langfuse.trace.");

    public void Read(SpanAttributes a, Span span, LlmViewDraft d)
    {
        d.Kind ??= a.String(Prefix + "type") switch
        {
            "generation" => SpanKinds.Llm,
            "embedding" => SpanKinds.Embedding,
            "retriever" => SpanKinds.Retrieval,
            "tool" => SpanKinds.Tool,
            "agent" => SpanKinds.Agent,
            "chain" => SpanKinds.Chain,
            null when a.Contains(Prefix + "model.name") => SpanKinds.Llm,
            null => null,
            _ => SpanKinds.Other, // span, event, evaluator, guardrail
        };
        d.Operation ??= SpanKinds.GenAiOperation(d.Kind);
        d.Model ??= a.String(Prefix + "model.name");

        ReadUsage(Numbers(a.String(Prefix + "usage_details")), d);
        ReadCost(Numbers(a.String(Prefix + "cost_details")), d);

        d.Input ??= a.Text(Prefix + "input") ?? a.Text("langfuse.trace.input");
        d.Output ??= a.Text(Prefix + "output") ?? a.Text("langfuse.trace.output");
        if (d.Kind == SpanKinds.Tool)
        {
            d.Tool ??= new LlmToolCall(span.Name, null, a.Text(Prefix + "input"), a.Text(Prefix + "output"));
        }

        if (CompletionStart(a.String(Prefix + "completion_start_time")) is { } firstToken && span.StartTimeUnixNano > 0)
        {
            var start = DateTimeOffset.UnixEpoch.AddTicks((long)Math.Min(span.StartTimeUnixNano / 100, (ulong)long.MaxValue / 2));
            d.TimeToFirstTokenMs ??= (firstToken - start).TotalMilliseconds;
        }

        d.Failed |= string.Equals(a.String(Prefix + "level"), "ERROR", StringComparison.OrdinalIgnoreCase);
        d.User ??= a.String("user.id") ?? a.String("langfuse.user.id");
        d.Session ??= a.String("session.id") ?? a.String("langfuse.session.id");
    }

    // Langfuse's usage parts are disjoint (its total is the sum of all keys: "input" excludes cached tokens, "output"
    // excludes reasoning). The view counts input and output whole, cache and reasoning included, so they are added
    // back — unless the sender's own total shows its input and output were whole already.
    private static void ReadUsage(Dictionary<string, double>? usage, LlmViewDraft d)
    {
        if (usage is null)
        {
            return;
        }

        var input = First(usage, InputKeys);
        var output = First(usage, OutputKeys);
        var cacheRead = First(usage, CacheReadKeys);
        var cacheWrite = First(usage, CacheWriteKeys);
        var reasoning = First(usage, ReasoningKeys);
        var total = First(usage, TotalKeys);
        var whole = total is not null && total == (input ?? 0) + (output ?? 0);
        if (input is not null || cacheRead is not null || cacheWrite is not null)
        {
            d.InputTokens ??= (long)((input ?? 0) + (whole ? 0 : (cacheRead ?? 0) + (cacheWrite ?? 0)));
        }

        if (output is not null || reasoning is not null)
        {
            d.OutputTokens ??= (long)((output ?? 0) + (whole ? 0 : reasoning ?? 0));
        }

        d.CacheReadTokens ??= (long?)cacheRead;
        d.CacheWriteTokens ??= (long?)cacheWrite;
        d.ReasoningTokens ??= (long?)reasoning;
    }

    private static void ReadCost(Dictionary<string, double>? cost, LlmViewDraft d)
    {
        if (cost is null || cost.Count == 0)
        {
            return;
        }

        d.CostTotal ??= First(cost, TotalKeys) ?? cost.Values.Sum();
        d.CostSource ??= "client";
        d.CostInput ??= First(cost, InputKeys);
        d.CostOutput ??= First(cost, OutputKeys);
        d.CostCachedInput ??= First(cost, CacheReadKeys);
        d.CostCacheWrite ??= First(cost, CacheWriteKeys);
        d.CostReasoning ??= First(cost, ReasoningKeys);
    }

    /// <summary>A JSON object of numbers (numbers as strings too), or null when the attribute is absent or not one.</summary>
    private static Dictionary<string, double>? Numbers(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out var n) && double.IsFinite(n))
                {
                    numbers[property.Name] = n;
                }
                else if (property.Value.ValueKind == JsonValueKind.String
                    && double.TryParse(property.Value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed))
                {
                    numbers[property.Name] = parsed;
                }
            }

            return numbers;
        }
        catch (Exception e) when (e is JsonException or ArgumentException) // half a surrogate pair cannot be transcoded to UTF-8
        {
            return null;
        }
    }

    private static double? First(Dictionary<string, double> values, string[] keys)
    {
        foreach (var key in keys)
        {
            if (values.TryGetValue(key, out var value))
            {
                return value;
            }
        }

        return null;
    }

    // The JS SDK serialises the Date with JSON.stringify, so the ISO time may arrive wrapped in quotes.
    private static DateTimeOffset? CompletionStart(string? value) =>
        value is not null && DateTimeOffset.TryParse(value.Trim('"'), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
