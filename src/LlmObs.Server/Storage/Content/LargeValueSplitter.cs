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
/// At ingest the mapper applies this rule while it writes the JSON (<see cref="Ingest.OtlpJson.Row"/>), so the
/// store takes those spans as they are. For a record whose JSON still holds its values, one forward scan finds the
/// large string tokens (no DOM), and the row's JSON is the original bytes with those tokens replaced by <c>null</c>.
/// Either way a blob is the value's JSON token exactly as written (quotes and escapes included), so putting it back is
/// a splice too.
/// </remarks>
internal sealed class LargeValueSplitter(int largeValueBytes)
{
    /// <summary>The key under which a span's whole events array is kept when it is large.</summary>
    public const string EventsKey = "$events";

    /// <summary>Whether a string value this many bytes long as JSON (escapes included, quotes not) is moved out.</summary>
    public bool IsLarge(long jsonBytes) => jsonBytes > largeValueBytes;

    public SplitSpan Split(SpanRecord span)
    {
        // Written by the mapper with its large values moved out already: the common case at ingest.
        if (span.MovedValues is { } moved)
        {
            return new SplitSpan(span, span.AttributesJson, span.EventsJson, moved.RefsJson, moved.Blobs);
        }

        var moving = new MovingValues(this, DayOf(span.StartTime));
        var attributes = span.AttributesJson;
        var events = span.EventsJson;

        // A JSON text no longer than the limit cannot hold a value longer than it: the common case costs a length check.
        if (attributes.Length > largeValueBytes / 3 && Encoding.UTF8.GetMaxByteCount(attributes.Length) > largeValueBytes)
        {
            attributes = SplitAttributes(attributes, moving);
        }

        if (events is not null && events.Length > largeValueBytes / 3 && IsLarge(Encoding.UTF8.GetByteCount(events)))
        {
            events = moving.MoveOutEvents(Encoding.UTF8.GetBytes(events));
        }

        var split = moving.ToMovedValues();
        return new SplitSpan(span, attributes, events, split.RefsJson, split.Blobs);
    }

    // One forward scan of the UTF-8 for the large string tokens, in one pooled buffer.
    private string SplitAttributes(string json, MovingValues moving)
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

            List<LargeToken>? large = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var nameReader = reader;
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && IsLarge(reader.ValueSpan.Length))
                {
                    (large ??= []).Add(new LargeToken(nameReader.GetString()!, (int)reader.TokenStartIndex, (int)reader.BytesConsumed));
                }
                else
                {
                    reader.Skip(); // nested objects and arrays stay as they are
                }
            }

            return large is null ? json : moving.MoveOut(utf8, large);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // What JsonSerializer writes for the dictionary (same encoder, same order), without its per-call setup.
    internal static string RefsJson(Dictionary<string, string> refs)
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

/// <summary>A top-level string value's JSON token (quotes included) in an attributes object, under its key.</summary>
internal readonly record struct LargeToken(string Key, int Start, int End);

/// <summary>
/// The values moved out of a span's attributes and events into blobs; <see cref="RefsJson"/> names, per key, the blob that
/// holds its value (null when nothing was moved).
/// </summary>
internal sealed record MovedValues(string? RefsJson, IReadOnlyList<ContentBlob> Blobs)
{
    public static readonly MovedValues None = new(null, []);

    public int Bytes => Blobs.Sum(b => b.Length);
}

/// <summary>The values moved out of one span's JSON so far, kept as <see cref="MovedValues"/> once the span is done.</summary>
internal sealed class MovingValues(LargeValueSplitter splitter, DateOnly day)
{
    private static readonly byte[] Null = "null"u8.ToArray();

    private List<ContentBlob>? _blobs;
    private Dictionary<string, string>? _refs;

    /// <summary>
    /// The attributes JSON with each of <paramref name="tokens"/> (in order) replaced by <c>null</c> and kept as a blob:
    /// the token exactly as written, quotes and escapes included, so putting it back is a splice too.
    /// </summary>
    public string MoveOut(ReadOnlySpan<byte> json, List<LargeToken> tokens)
    {
        var row = ArrayPool<byte>.Shared.Rent(json.Length);
        try
        {
            var written = 0;
            var copied = 0;
            foreach (var (key, start, end) in tokens)
            {
                Add(key, json[start..end]);
                json[copied..start].CopyTo(row.AsSpan(written));
                written += start - copied;
                Null.CopyTo(row.AsSpan(written));
                written += Null.Length;
                copied = end;
            }

            json[copied..].CopyTo(row.AsSpan(written));
            written += json.Length - copied;
            return Encoding.UTF8.GetString(row, 0, written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(row);
        }
    }

    /// <summary>The events JSON as the row keeps it: null when it is large and moved out whole.</summary>
    public string? MoveOutEvents(ReadOnlySpan<byte> json)
    {
        if (!splitter.IsLarge(json.Length))
        {
            return Encoding.UTF8.GetString(json);
        }

        Add(LargeValueSplitter.EventsKey, json);
        return null;
    }

    public MovedValues ToMovedValues() => _refs is null ? MovedValues.None : new MovedValues(LargeValueSplitter.RefsJson(_refs), _blobs!);

    private void Add(string key, ReadOnlySpan<byte> value)
    {
        var blob = ContentBlob.Create(day, value);
        (_blobs ??= []).Add(blob);
        (_refs ??= [])[key] = blob.Hash;
    }
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
