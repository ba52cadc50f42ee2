using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LlmObs.Server.Ingest;

namespace LlmObs.Server.Storage.Content;

/// <summary>
/// Moves large values (prompts, completions, retrieved documents) out of a span's row into content blobs,
/// keyed by the SHA-256 of the value so the same system prompt sent a thousand times a day is stored once.
/// The span keeps the attribute's key with a null value (so attribute order survives) and a
/// <see cref="ContentRefs"/> JSON object naming, per key, the blob that holds its value.
/// </summary>
internal sealed class LargeValueSplitter(int largeValueBytes)
{
    /// <summary>The key under which a span's whole events array is kept when it is large.</summary>
    public const string EventsKey = "$events";

    public SplitSpan Split(SpanRecord span)
    {
        List<ContentBlob>? blobs = null;
        Dictionary<string, string>? refs = null;
        var attributes = span.AttributesJson;
        var events = span.EventsJson;

        // A JSON text shorter than the limit cannot hold a value longer than it: skip parsing the common case.
        if (attributes.Length > largeValueBytes / 4 && Encoding.UTF8.GetByteCount(attributes) > largeValueBytes)
        {
            attributes = SplitAttributes(attributes, span.StartTime, ref blobs, ref refs);
        }

        if (events is not null && events.Length > largeValueBytes / 4 && Encoding.UTF8.GetByteCount(events) > largeValueBytes)
        {
            var blob = ContentBlob.Create(DayOf(span.StartTime), events);
            (blobs ??= []).Add(blob);
            (refs ??= [])[EventsKey] = blob.Hash;
            events = null;
        }

        if (refs is null)
        {
            return new SplitSpan(span, span.AttributesJson, span.EventsJson, null, []);
        }

        return new SplitSpan(span, attributes, events, JsonSerializer.Serialize(refs), blobs!);
    }

    private string SplitAttributes(string json, DateTime start, ref List<ContentBlob>? blobs, ref Dictionary<string, string>? refs)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return json;
        }

        var large = false;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (IsLarge(property.Value))
            {
                large = true;
                break;
            }
        }

        if (!large)
        {
            return json;
        }

        var buffer = new ArrayBufferWriter<byte>(json.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (IsLarge(property.Value))
                {
                    var blob = ContentBlob.Create(DayOf(start), property.Value.GetString()!);
                    (blobs ??= []).Add(blob);
                    (refs ??= [])[property.Name] = blob.Hash;
                    writer.WriteNull(property.Name);
                }
                else
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private bool IsLarge(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { } text && text.Length > largeValueBytes / 4 && Encoding.UTF8.GetByteCount(text) > largeValueBytes;

    /// <summary>The UTC day a span belongs to: the partition (and content day) it is stored in.</summary>
    public static DateOnly DayOf(DateTime start) => DateOnly.FromDateTime(start);

    /// <summary>Puts the values named by <paramref name="contentRefs"/> back; <paramref name="content"/> maps hash to value.</summary>
    public static (string Attributes, string? Events) Reassemble(string attributes, string? events, string contentRefs, IReadOnlyDictionary<string, string> content)
    {
        var refs = JsonSerializer.Deserialize<Dictionary<string, string>>(contentRefs) ?? [];
        if (refs.TryGetValue(EventsKey, out var eventsHash) && content.TryGetValue(eventsHash, out var eventsJson))
        {
            events = eventsJson;
        }

        var buffer = new ArrayBufferWriter<byte>(attributes.Length * 4);
        using (var document = JsonDocument.Parse(attributes))
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (refs.TryGetValue(property.Name, out var hash) && content.TryGetValue(hash, out var value))
                {
                    writer.WriteString(property.Name, value);
                }
                else
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return (Encoding.UTF8.GetString(buffer.WrittenSpan), events);
    }

    /// <summary>Every content hash a span's refs name.</summary>
    public static IEnumerable<string> HashesOf(string contentRefs) =>
        (JsonSerializer.Deserialize<Dictionary<string, string>>(contentRefs) ?? []).Values;
}

/// <summary>A span ready to store: its row values after large values were moved out, and the blobs they went to.</summary>
internal sealed record SplitSpan(SpanRecord Span, string AttributesJson, string? EventsJson, string? ContentRefs, IReadOnlyList<ContentBlob> Blobs);

/// <summary>One stored value: Brotli-compressed UTF-8, keyed by day and the SHA-256 of the text.</summary>
internal sealed record ContentBlob(DateOnly Day, string Hash, int Length, byte[] Data)
{
    public static ContentBlob Create(DateOnly day, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return new ContentBlob(day, hash, bytes.Length, Compress(bytes));
    }

    // Quality 1 keeps compression off the ingest critical path (prose still shrinks ~3x); reads are rare.
    private static byte[] Compress(byte[] bytes)
    {
        var output = new byte[BrotliEncoder.GetMaxCompressedLength(bytes.Length)];
        if (!BrotliEncoder.TryCompress(bytes, output, out var written, quality: 1, window: 22))
        {
            throw new InvalidOperationException("Brotli could not compress a content value.");
        }

        return output.AsSpan(0, written).ToArray();
    }

    public static string Decompress(byte[] data, int length)
    {
        var output = new byte[length];
        if (!BrotliDecoder.TryDecompress(data, output, out var written) || written != length)
        {
            throw new InvalidDataException("A stored content value is damaged.");
        }

        return Encoding.UTF8.GetString(output);
    }
}
