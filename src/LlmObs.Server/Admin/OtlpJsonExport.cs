using System.Text.Json;
using LlmObs.Server.Ingest;
using LlmObs.Server.Query;
using LlmObs.Server.Storage;

namespace LlmObs.Server.Admin;

/// <summary>
/// Writes stored traces as one OTLP/JSON <c>ExportTraceServiceRequest</c> (hex ids, integer enums, string int64s),
/// a file any OTLP/HTTP receiver (LlmObs itself included) accepts back.
/// </summary>
internal static class OtlpJsonExport
{
    private const int PageSize = 200;

    public static async Task WriteAsync(Stream output, ISpanQueries queries, ISpanStore store, SpanFilter filter, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteStartArray("resourceSpans");
        for (var page = new PageRequest(0, PageSize); ;)
        {
            var traces = await queries.ListTracesAsync(filter, page, cancellationToken);
            foreach (var trace in traces.Items)
            {
                var spans = await store.GetTraceAsync(trace.TraceId, cancellationToken);
                foreach (var group in spans.Select(s => s.Span).GroupBy(s => (s.ResourceJson, s.ScopeName)))
                {
                    WriteResourceSpans(writer, group.Key.ResourceJson, group.Key.ScopeName, group);
                }

                await writer.FlushAsync(cancellationToken);
            }

            if (traces.NextOffset is not { } next)
            {
                break;
            }

            page = page with { Offset = next };
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteResourceSpans(Utf8JsonWriter writer, string resourceJson, string? scopeName, IEnumerable<SpanRecord> spans)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("resource");
        WriteAttributes(writer, "attributes", resourceJson);
        writer.WriteEndObject();
        writer.WriteStartArray("scopeSpans");
        writer.WriteStartObject();
        writer.WriteStartObject("scope");
        writer.WriteString("name", scopeName ?? "");
        writer.WriteEndObject();
        writer.WriteStartArray("spans");
        foreach (var span in spans)
        {
            WriteSpan(writer, span);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteSpan(Utf8JsonWriter writer, SpanRecord span)
    {
        writer.WriteStartObject();
        writer.WriteString("traceId", span.TraceId);
        writer.WriteString("spanId", span.SpanId);
        if (span.ParentSpanId is { } parent)
        {
            writer.WriteString("parentSpanId", parent);
        }

        writer.WriteString("name", span.Name);
        writer.WriteNumber("kind", span.Kind);
        writer.WriteString("startTimeUnixNano", UnixNanos(span.StartTime));
        writer.WriteString("endTimeUnixNano", UnixNanos(span.EndTime));
        WriteAttributes(writer, "attributes", span.AttributesJson);
        if (span.EventsJson is { } events)
        {
            WriteEvents(writer, events);
        }

        writer.WriteStartObject("status");
        writer.WriteNumber("code", span.StatusCode);
        if (span.StatusMessage is { } message)
        {
            writer.WriteString("message", message);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Events are stored as <c>[{name, time, attributes}]</c>.</summary>
    private static void WriteEvents(Utf8JsonWriter writer, string eventsJson)
    {
        using var document = JsonDocument.Parse(eventsJson);
        writer.WriteStartArray("events");
        foreach (var e in document.RootElement.EnumerateArray())
        {
            writer.WriteStartObject();
            writer.WriteString("name", e.TryGetProperty("name", out var name) ? name.GetString() : "");
            if (e.TryGetProperty("time", out var time) && time.TryGetDateTime(out var at))
            {
                writer.WriteString("timeUnixNano", UnixNanos(at.ToUniversalTime()));
            }

            if (e.TryGetProperty("attributes", out var attributes))
            {
                writer.WritePropertyName("attributes");
                WriteKeyValues(writer, attributes);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteAttributes(Utf8JsonWriter writer, string name, string json)
    {
        using var document = JsonDocument.Parse(json);
        writer.WritePropertyName(name);
        WriteKeyValues(writer, document.RootElement);
    }

    /// <summary>A stored attribute object becomes OTLP's list of <c>{key, value: AnyValue}</c>.</summary>
    private static void WriteKeyValues(Utf8JsonWriter writer, JsonElement attributes)
    {
        writer.WriteStartArray();
        if (attributes.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in attributes.EnumerateObject())
            {
                writer.WriteStartObject();
                writer.WriteString("key", property.Name);
                writer.WritePropertyName("value");
                WriteAnyValue(writer, property.Value);
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteAnyValue(Utf8JsonWriter writer, JsonElement value)
    {
        writer.WriteStartObject();
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                writer.WriteString("stringValue", value.GetString());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                writer.WriteBoolean("boolValue", value.GetBoolean());
                break;
            case JsonValueKind.Number when value.TryGetInt64(out var integer):
                writer.WriteString("intValue", integer.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.Number:
                writer.WriteNumber("doubleValue", value.GetDouble());
                break;
            case JsonValueKind.Array:
                writer.WriteStartObject("arrayValue");
                writer.WriteStartArray("values");
                foreach (var item in value.EnumerateArray())
                {
                    WriteAnyValue(writer, item);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject("kvlistValue");
                writer.WritePropertyName("values");
                WriteKeyValues(writer, value);
                writer.WriteEndObject();
                break;
        }

        writer.WriteEndObject();
    }

    private static string UnixNanos(DateTime utc) =>
        ((utc - DateTime.UnixEpoch).Ticks * 100).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
