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
/// <c>content_refs</c> JSON object naming, per key, the blob that holds its value.
/// </summary>
/// <remarks>
/// This runs for every span on the ingest path, so it never builds a DOM: one forward scan finds the large
/// string tokens, and the row's JSON is the original bytes with those tokens replaced by <c>null</c>. A blob is
/// the value's JSON token exactly as received (quotes and escapes included), so putting it back is a splice too.
/// </remarks>
internal sealed class LargeValueSplitter(int largeValueBytes)
{
    /// <summary>The key under which a span's whole events array is kept when it is large.</summary>
    public const string EventsKey = "$events";

    private static readonly byte[] Null = "null"u8.ToArray();

    public SplitSpan Split(SpanRecord span)
    {
        List<ContentBlob>? blobs = null;
        Dictionary<string, string>? refs = null;
        var attributes = span.AttributesJson;
        var events = span.EventsJson;
        var day = DayOf(span.StartTime);

        // A JSON text no longer than the limit cannot hold a value longer than it: the common case costs a length check.
        if (attributes.Length > largeValueBytes / 3 && Encoding.UTF8.GetMaxByteCount(attributes.Length) > largeValueBytes)
        {
            attributes = SplitAttributes(attributes, day, ref blobs, ref refs);
        }

        if (events is not null && events.Length > largeValueBytes / 3 && Encoding.UTF8.GetByteCount(events) > largeValueBytes)
        {
            var blob = ContentBlob.Create(day, Encoding.UTF8.GetBytes(events));
            (blobs ??= []).Add(blob);
            (refs ??= [])[EventsKey] = blob.Hash;
            events = null;
        }

        return refs is null
            ? new SplitSpan(span, span.AttributesJson, span.EventsJson, null, [])
            : new SplitSpan(span, attributes, events, RefsJson(refs), blobs!);
    }

    // Runs for every span with a large attributes object, so it works in one pooled buffer and allocates only what it
    // keeps: the row's JSON (when something was moved out) and each blob.
    private string SplitAttributes(string json, DateOnly day, ref List<ContentBlob>? blobs, ref Dictionary<string, string>? refs)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, rented);
            if (length <= largeValueBytes)
            {
                return json;
            }

            var utf8 = rented.AsSpan(0, length);
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return json;
            }

            // The row's JSON is the original with each large value replaced by null: written into the same buffer,
            // behind the reader (null is shorter than any value moved out), so no second buffer is needed.
            var written = 0;
            var copied = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var nameReader = reader;
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > largeValueBytes)
                {
                    var start = (int)reader.TokenStartIndex;
                    var end = (int)reader.BytesConsumed;
                    var blob = ContentBlob.Create(day, utf8[start..end]);
                    (blobs ??= []).Add(blob);
                    (refs ??= [])[nameReader.GetString()!] = blob.Hash;
                    utf8[copied..start].CopyTo(utf8[written..]);
                    written += start - copied;
                    Null.CopyTo(utf8[written..]);
                    written += Null.Length;
                    copied = end;
                }
                else
                {
                    reader.Skip(); // nested objects and arrays stay as they are
                }
            }

            if (copied == 0)
            {
                return json;
            }

            utf8[copied..].CopyTo(utf8[written..]);
            written += length - copied;
            return Encoding.UTF8.GetString(utf8[..written]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // What JsonSerializer writes for the dictionary (same encoder, same order), without its per-call setup.
    private static string RefsJson(Dictionary<string, string> refs)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + 96 * refs.Count);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, hash) in refs)
            {
                writer.WriteString(key, hash);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The UTC day a span belongs to: the partition (and content day) it is stored in.</summary>
    public static DateOnly DayOf(DateTime start) => DateOnly.FromDateTime(start);

    /// <summary>Puts the values named by <paramref name="contentRefs"/> back; <paramref name="content"/> maps hash to the stored bytes.</summary>
    public static (string Attributes, string? Events) Reassemble(string attributes, string? events, string contentRefs, IReadOnlyDictionary<string, byte[]> content)
    {
        var refs = JsonSerializer.Deserialize<Dictionary<string, string>>(contentRefs) ?? [];
        if (refs.TryGetValue(EventsKey, out var eventsHash) && content.TryGetValue(eventsHash, out var eventsJson))
        {
            events = Encoding.UTF8.GetString(eventsJson);
        }

        var utf8 = Encoding.UTF8.GetBytes(attributes);
        var reader = new Utf8JsonReader(utf8);
        using var output = new MemoryStream(utf8.Length * 4);
        var copied = 0;
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null && refs.TryGetValue(name, out var hash) && content.TryGetValue(hash, out var value))
                {
                    var start = (int)reader.TokenStartIndex;
                    output.Write(utf8, copied, start - copied);
                    output.Write(value);
                    copied = (int)reader.BytesConsumed;
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        output.Write(utf8, copied, utf8.Length - copied);
        return (Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length), events);
    }

    /// <summary>Every content hash a span's refs name.</summary>
    public static IEnumerable<string> HashesOf(string contentRefs) =>
        (JsonSerializer.Deserialize<Dictionary<string, string>>(contentRefs) ?? []).Values;
}

/// <summary>A span ready to store: its row values after large values were moved out, and the blobs they went to.</summary>
internal sealed record SplitSpan(SpanRecord Span, string AttributesJson, string? EventsJson, string? ContentRefs, IReadOnlyList<ContentBlob> Blobs)
{
    /// <summary><c>user_id</c> and <c>ttft_ms</c> read from <see cref="AttributesJson"/> at ingest; null when the engine's SQL must read them.</summary>
    public QueryColumnValues? QueryColumns { get; init; }
}

/// <summary>
/// One stored value, keyed by day and the SHA-256 of its UTF-8 bytes: the value's JSON token as text, stored once, in
/// the content table's <c>text</c> column, which free-text search reads and the engines compress themselves
/// (DuckDB's string compression, PostgreSQL's TOAST). Kept as the UTF-8 it was hashed from: DuckDB appends those bytes
/// as they are, so only PostgreSQL's COPY, which takes text, decodes it.
/// </summary>
internal sealed record ContentBlob(DateOnly Day, string Hash, byte[] Utf8)
{
    public int Length => Utf8.Length;

    public string Text => Encoding.UTF8.GetString(Utf8);

    public static ContentBlob Create(DateOnly day, ReadOnlySpan<byte> utf8)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8, hash);
        return new ContentBlob(day, Convert.ToHexStringLower(hash), utf8.ToArray());
    }

    /// <summary>The stored value's bytes: its text, or for content stored before the text column existed, its Brotli copy.</summary>
    public static byte[] Read(string? text, Func<byte[]> compressed, int length) =>
        text is not null ? Encoding.UTF8.GetBytes(text) : Decompress(compressed(), length);

    private static byte[] Decompress(byte[] data, int length)
    {
        var output = new byte[length];
        if (!BrotliDecoder.TryDecompress(data, output, out var written) || written != length)
        {
            throw new InvalidDataException("A stored content value is damaged.");
        }

        return output;
    }
}
