using System.Buffers;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Ingest;

/// <summary>Writes OTLP attribute lists and events as plain JSON objects, the form they are stored and served in.</summary>
internal static class OtlpJson
{
    public static string Attributes(RepeatedField<KeyValue> attributes)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteObject(writer, attributes);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string? Events(RepeatedField<Span.Types.Event> events)
    {
        if (events.Count == 0)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var e in events)
            {
                writer.WriteStartObject();
                writer.WriteString("name", e.Name);
                writer.WriteString("time", UnixNano.ToDateTime(e.TimeUnixNano).ToString("O"));
                writer.WritePropertyName("attributes");
                WriteObject(writer, e.Attributes);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteObject(Utf8JsonWriter writer, RepeatedField<KeyValue> values)
    {
        writer.WriteStartObject();
        foreach (var kv in values)
        {
            writer.WritePropertyName(kv.Key);
            WriteValue(writer, kv.Value);
        }

        writer.WriteEndObject();
    }

    /// <summary>One attribute value as JSON: a string as a JSON string, a structured value as the object or array it is.</summary>
    public static string Value(AnyValue? value)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteValue(writer, value);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void WriteValue(Utf8JsonWriter writer, AnyValue? value)
    {
        switch (value?.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue: writer.WriteStringValue(value.StringValue); break;
            case AnyValue.ValueOneofCase.BoolValue: writer.WriteBooleanValue(value.BoolValue); break;
            case AnyValue.ValueOneofCase.IntValue: writer.WriteNumberValue(value.IntValue); break;
            case AnyValue.ValueOneofCase.DoubleValue when double.IsFinite(value.DoubleValue): writer.WriteNumberValue(value.DoubleValue); break;
            case AnyValue.ValueOneofCase.DoubleValue: writer.WriteStringValue(value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
            case AnyValue.ValueOneofCase.BytesValue: writer.WriteBase64StringValue(value.BytesValue.Span); break;
            case AnyValue.ValueOneofCase.ArrayValue:
                writer.WriteStartArray();
                foreach (var item in value.ArrayValue.Values)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue: WriteObject(writer, value.KvlistValue.Values); break;
            default: writer.WriteNullValue(); break;
        }
    }
}

/// <summary>OTLP timestamps are nanoseconds since the Unix epoch.</summary>
internal static class UnixNano
{
    public static DateTime ToDateTime(ulong unixNano) =>
        DateTime.UnixEpoch.AddTicks((long)Math.Min(unixNano / 100, (ulong)(DateTime.MaxValue - DateTime.UnixEpoch).Ticks));
}

/// <summary>Trace and span ids as the lowercase hex the W3C trace context and every UI use.</summary>
internal static class OtlpId
{
    public static string? ToHex(ByteString id) => id.IsEmpty ? null : Convert.ToHexStringLower(id.Span);
}
