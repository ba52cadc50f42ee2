using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Collections;
using LlmObs.Server.Storage.Content;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Ingest;

/// <summary>Writes OTLP attribute lists and events as plain JSON objects, the form they are stored and served in.</summary>
/// <remarks>
/// Written with the relaxed encoder: only what JSON requires is escaped (<c>"</c> as <c>\"</c>, <c>\</c>, control
/// characters), so a prompt keeps its UTF-8 size. The default encoder also escaped HTML-sensitive and every non-ASCII
/// character as six bytes each: prompts in most languages were stored at about twice their size, and a quote inside a
/// JSON-in-JSON value cost six bytes instead of two. Nothing embeds this JSON in HTML (the API serves it re-encoded as
/// JSON; the UI's pages carry no data), and search looks for a text in both forms, since rows stored before keep
/// theirs (<see cref="Query.Sql.SearchNeedles"/>).
/// </remarks>
internal static class OtlpJson
{
    // Every span's attributes are written on the ingest path: one buffer and writer per thread, reused, so a span
    // costs only the string it keeps (a fresh buffer grew through several arrays for each 2–4 KB object).
    [ThreadStatic]
    private static PooledWriter? t_writer;

    public static string Attributes(RepeatedField<KeyValue> attributes)
    {
        var pooled = PooledWriter.Take(ref t_writer);
        WriteObject(pooled.Writer, attributes, relaxed: true);
        return pooled.ToStringAndReturn(ref t_writer);
    }

    public static string? Events(RepeatedField<Span.Types.Event> events)
    {
        if (events.Count == 0)
        {
            return null;
        }

        var pooled = PooledWriter.Take(ref t_writer);
        WriteEvents(pooled.Writer, events);
        return pooled.ToStringAndReturn(ref t_writer);
    }

    /// <summary>
    /// A span's attributes and events as its row keeps them: the values <paramref name="splitter"/> moves out are moved
    /// while the JSON is written, so it is not decoded, encoded and scanned again to find them.
    /// </summary>
    public static (string Attributes, string? Events, MovedValues Moved) Row(
        RepeatedField<KeyValue> attributes, RepeatedField<Span.Types.Event> events, LargeValueSplitter splitter, DateOnly day)
    {
        var moving = new MovingValues(splitter, day);
        var pooled = PooledWriter.Take(ref t_writer);
        var writer = pooled.Writer;
        List<LargeToken>? large = null;
        writer.WriteStartObject();
        foreach (var kv in attributes)
        {
            writer.WritePropertyName(kv.Key);
            if (kv.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue)
            {
                // The writer's position before and after the value is the token's place in the JSON: nothing is written
                // between a property name and its value.
                var start = writer.BytesCommitted + writer.BytesPending;
                RelaxedJsonString.Write(writer, kv.Value.StringValue);
                var end = writer.BytesCommitted + writer.BytesPending;
                if (splitter.IsLarge(end - start - 2))
                {
                    (large ??= []).Add(new LargeToken(kv.Key, (int)start, (int)end));
                }
            }
            else
            {
                WriteValue(writer, kv.Value, relaxed: true);
            }
        }

        writer.WriteEndObject();
        var written = pooled.Flush();
        var row = large is null ? System.Text.Encoding.UTF8.GetString(written) : moving.MoveOut(written, large);
        pooled.Return(ref t_writer);

        string? eventsJson = null;
        if (events.Count > 0)
        {
            pooled = PooledWriter.Take(ref t_writer);
            WriteEvents(pooled.Writer, events);
            eventsJson = moving.MoveOutEvents(pooled.Flush());
            pooled.Return(ref t_writer);
        }

        return (row, eventsJson, moving.ToMovedValues());
    }

    private static void WriteEvents(Utf8JsonWriter writer, RepeatedField<Span.Types.Event> events)
    {
        writer.WriteStartArray();
        foreach (var e in events)
        {
            writer.WriteStartObject();
            writer.WriteString("name", e.Name);
            writer.WriteString("time", UnixNano.ToDateTime(e.TimeUnixNano).ToString("O"));
            writer.WritePropertyName("attributes");
            WriteObject(writer, e.Attributes, relaxed: true);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    // relaxed: the writer escapes with the relaxed encoder (PooledWriter), so long strings may take RelaxedJsonString's path.
    private static void WriteObject(Utf8JsonWriter writer, RepeatedField<KeyValue> values, bool relaxed)
    {
        writer.WriteStartObject();
        foreach (var kv in values)
        {
            writer.WritePropertyName(kv.Key);
            WriteValue(writer, kv.Value, relaxed);
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

    public static void WriteValue(Utf8JsonWriter writer, AnyValue? value) => WriteValue(writer, value, relaxed: false);

    private static void WriteValue(Utf8JsonWriter writer, AnyValue? value, bool relaxed)
    {
        switch (value?.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue when relaxed: RelaxedJsonString.Write(writer, value.StringValue); break;
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
                    WriteValue(writer, item, relaxed);
                }

                writer.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue: WriteObject(writer, value.KvlistValue.Values, relaxed); break;
            default: writer.WriteNullValue(); break;
        }
    }
}

/// <summary>A JSON writer over a growable buffer, kept per thread between uses; a writer left in a bad state by an exception is simply not returned.</summary>
internal sealed class PooledWriter
{
    // A buffer grown past this by one huge object is let go rather than kept for the thread's lifetime.
    private const int MaxRetainedBytes = 256 * 1024;

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private PooledWriter() => Writer = new Utf8JsonWriter(_buffer, Options);

    public Utf8JsonWriter Writer { get; }

    /// <summary>The thread's writer, taken out of <paramref name="slot"/> so a nested use gets its own.</summary>
    public static PooledWriter Take(ref PooledWriter? slot)
    {
        var pooled = slot ?? new PooledWriter();
        slot = null;
        return pooled;
    }

    public string ToStringAndReturn(ref PooledWriter? slot)
    {
        var text = System.Text.Encoding.UTF8.GetString(Flush());
        Return(ref slot);
        return text;
    }

    /// <summary>Everything written, valid until <see cref="Return"/>.</summary>
    public ReadOnlySpan<byte> Flush()
    {
        Writer.Flush();
        return _buffer.WrittenSpan;
    }

    /// <summary>Puts the writer back in <paramref name="slot"/>, emptied, unless a huge object grew it.</summary>
    public void Return(ref PooledWriter? slot)
    {
        if (_buffer.Capacity <= MaxRetainedBytes)
        {
            _buffer.ResetWrittenCount();
            Writer.Reset(_buffer);
            slot = this;
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
