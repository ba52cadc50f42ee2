using System.Text.Json;
using Google.Protobuf.Collections;
using LlmObs.Pricing;
using LlmObs.Server.Ingest;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Normalization;

/// <summary>
/// The whole canonical view of a stored span. The store keeps the view's queried fields as columns (kind, model,
/// tokens, cost…) and the raw attributes and events beside them; the rest of the view (content, user, session,
/// documents, tool call, time to first token, convention) is read again from those raw attributes, by the same
/// conventions that read them at ingest. The stored columns stay the truth for what they hold: a cost is never
/// recomputed at read time with a catalog that may have changed since.
/// </summary>
internal static class StoredLlmView
{
    private static readonly LlmSpanNormalizer Normalizer = new(PriceCatalog.Default);

    /// <summary>The complete view, or null when the span is not LLM work.</summary>
    public static LlmView? Complete(SpanRecord stored)
    {
        LlmView reread;
        try
        {
            reread = Normalizer.Normalize(ToSpan(stored));
        }
        catch (JsonException)
        {
            reread = LlmView.None; // raw columns that are not JSON: serve what the columns hold
        }

        var columns = stored.Llm;
        if (ReferenceEquals(columns, LlmView.None))
        {
            return ReferenceEquals(reread, LlmView.None) ? null : reread with { CostUsd = null, CostSource = null, Cost = null };
        }

        // The breakdown is only the reread's when it adds up to the stored total (same catalog, same tokens).
        var breakdownMatches = reread.CostUsd is { } total && columns.CostUsd is { } storedTotal && Math.Abs(total - storedTotal) < 1e-12;
        return reread with
        {
            SpanKind = columns.SpanKind ?? reread.SpanKind,
            Operation = columns.Operation ?? reread.Operation,
            Provider = columns.Provider ?? reread.Provider,
            Model = columns.Model ?? reread.Model,
            InputTokens = columns.InputTokens,
            OutputTokens = columns.OutputTokens,
            CacheReadTokens = columns.CacheReadTokens,
            CacheWriteTokens = columns.CacheWriteTokens,
            ReasoningTokens = columns.ReasoningTokens,
            CostUsd = columns.CostUsd,
            CostSource = columns.CostSource,
            Feature = columns.Feature ?? reread.Feature,
            Cost = columns.Cost ?? (breakdownMatches ? reread.Cost : null),
        };
    }

    private static Span ToSpan(SpanRecord stored)
    {
        var span = new Span
        {
            Name = stored.Name,
            StartTimeUnixNano = UnixNanos(stored.StartTime),
            EndTimeUnixNano = UnixNanos(stored.EndTime),
            Status = new Status { Code = (Status.Types.StatusCode)stored.StatusCode, Message = stored.StatusMessage ?? "" },
        };
        using (var attributes = JsonDocument.Parse(stored.AttributesJson))
        {
            AddAll(span.Attributes, attributes.RootElement);
        }

        if (stored.EventsJson is not null)
        {
            using var events = JsonDocument.Parse(stored.EventsJson);
            foreach (var e in events.RootElement.ValueKind == JsonValueKind.Array ? events.RootElement.EnumerateArray() : default)
            {
                var spanEvent = new Span.Types.Event { Name = e.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "" };
                if (e.TryGetProperty("attributes", out var eventAttributes))
                {
                    AddAll(spanEvent.Attributes, eventAttributes);
                }

                span.Events.Add(spanEvent);
            }
        }

        return span;
    }

    private static void AddAll(RepeatedField<KeyValue> target, JsonElement obj)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in obj.EnumerateObject())
        {
            if (Value(property.Value) is { } value)
            {
                target.Add(new KeyValue { Key = property.Name, Value = value });
            }
        }
    }

    // The inverse of OtlpJson's writing: integers were intValue, other numbers doubleValue.
    private static AnyValue? Value(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String: return new AnyValue { StringValue = element.GetString() };
            case JsonValueKind.True: return new AnyValue { BoolValue = true };
            case JsonValueKind.False: return new AnyValue { BoolValue = false };
            case JsonValueKind.Number when element.TryGetInt64(out var integer): return new AnyValue { IntValue = integer };
            case JsonValueKind.Number: return new AnyValue { DoubleValue = element.GetDouble() };
            case JsonValueKind.Array:
                var array = new ArrayValue();
                foreach (var item in element.EnumerateArray())
                {
                    if (Value(item) is { } value)
                    {
                        array.Values.Add(value);
                    }
                }

                return new AnyValue { ArrayValue = array };
            case JsonValueKind.Object:
                var list = new KeyValueList();
                AddAll(list.Values, element);
                return new AnyValue { KvlistValue = list };
            default:
                return null;
        }
    }

    private static ulong UnixNanos(DateTime time) => time <= DateTime.UnixEpoch ? 0 : (ulong)(time - DateTime.UnixEpoch).Ticks * 100;
}
