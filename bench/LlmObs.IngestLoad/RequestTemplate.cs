using System.Buffers.Binary;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace LlmObs.IngestLoad;

/// <summary>
/// One export request serialised once, with the places of its ids and timestamps: each send gets fresh trace and
/// span ids and current times by overwriting those bytes in place (ids and fixed64 times never change length), so the
/// loader spends its share of the two cores sending, not re-encoding 400 KB of protobuf per request.
/// </summary>
internal sealed class RequestTemplate
{
    private readonly int[][] _idOffsets;
    private readonly int[] _idLengths;
    private readonly (int Offset, ulong Value)[] _times;
    private readonly int[] _contentOffsets;
    private readonly ulong _firstStart;

    private RequestTemplate(byte[] body, int spans, int[][] idOffsets, int[] idLengths, (int, ulong)[] times, int[] contentOffsets, ulong firstStart)
    {
        _contentOffsets = contentOffsets;
        Body = body;
        Spans = spans;
        _idOffsets = idOffsets;
        _idLengths = idLengths;
        _times = times;
        _firstStart = firstStart;
    }

    /// <summary>The request as sent; <see cref="Refresh"/> rewrites it in place.</summary>
    public byte[] Body { get; }

    public int Spans { get; }

    public static RequestTemplate Create(ExportTraceServiceRequest request)
    {
        var body = request.ToByteArray();
        var spans = request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).ToList();

        // Every distinct id (a trace id is in each of its spans, a span id in its children's parent_span_id) and all
        // the places it occurs. Ids are random, so 8 or 16 equal bytes elsewhere in the body do not happen.
        var ids = spans.SelectMany(s => new[] { s.TraceId, s.SpanId }).Distinct().ToList();
        var idOffsets = ids.Select(id => Occurrences(body, id.Span).ToArray()).ToArray();

        // start_time_unix_nano (field 7) and end_time_unix_nano (field 8) are fixed64: tag byte, then 8 bytes.
        var times = new List<(int, ulong)>();
        var used = new HashSet<int>();
        foreach (var span in spans)
        {
            times.Add(TimeSlot(body, 0x39, span.StartTimeUnixNano, used));
            times.Add(TimeSlot(body, 0x41, span.EndTimeUnixNano, used));
        }

        // Each prompt, completion, query and document list gets a run of its words rewritten on every send, so content
        // is as unique as real traffic's instead of being deduplicated by the store after the first round.
        var contentOffsets = spans
            .SelectMany(s => s.Attributes)
            .Where(a => ContentKeys.Contains(a.Key) && a.Value.StringValue.Length > 0)
            .Select(a => TextRun(body, System.Text.Encoding.UTF8.GetBytes(a.Value.StringValue)))
            .Where(offset => offset >= 0)
            .ToArray();

        return new RequestTemplate(body, spans.Count, idOffsets, ids.Select(i => i.Length).ToArray(), times.ToArray(), contentOffsets, spans.Min(s => s.StartTimeUnixNano));
    }

    /// <summary>Gives every trace and span fresh ids (parents follow) and moves the spans' times to now.</summary>
    public void Refresh(Random random)
    {
        Span<byte> id = stackalloc byte[16];
        for (var i = 0; i < _idOffsets.Length; i++)
        {
            var fresh = id[.._idLengths[i]];
            random.NextBytes(fresh);
            fresh[0] |= 1; // an all-zero id is invalid
            foreach (var offset in _idOffsets[i])
            {
                fresh.CopyTo(Body.AsSpan(offset));
            }
        }

        Span<byte> letters = stackalloc byte[UniqueRun];
        foreach (var offset in _contentOffsets)
        {
            random.NextBytes(letters);
            for (var i = 0; i < letters.Length; i++)
            {
                Body[offset + i] = (byte)('a' + letters[i] % 26);
            }
        }

        var now = (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        foreach (var (offset, value) in _times)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(Body.AsSpan(offset), value - _firstStart + now);
        }
    }

    private const int UniqueRun = 12;

    private static readonly HashSet<string> ContentKeys = ["gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.retrieval.query.text", "gen_ai.retrieval.documents"];

    // Where in the body the value's middle has a run of plain words (lowercase letters and spaces only), so rewriting
    // it with letters keeps both the protobuf and the JSON inside the value valid; -1 when there is none.
    private static int TextRun(byte[] body, byte[] value)
    {
        var at = body.AsSpan().IndexOf(value);
        if (at < 0)
        {
            return -1;
        }

        for (var i = value.Length / 2; i + UniqueRun <= value.Length; i++)
        {
            if (value.AsSpan(i, UniqueRun).IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyz "u8) < 0)
            {
                return at + i;
            }
        }

        return -1;
    }

    // Two spans may start in the same tick: each takes the first place of its value that no other span took.
    private static (int Offset, ulong Value) TimeSlot(byte[] body, byte tag, ulong value, HashSet<int> used)
    {
        Span<byte> pattern = stackalloc byte[9];
        pattern[0] = tag;
        BinaryPrimitives.WriteUInt64LittleEndian(pattern[1..], value);
        foreach (var at in Occurrences(body, pattern))
        {
            if (used.Add(at))
            {
                return (at + 1, value);
            }
        }

        throw new InvalidOperationException("A span's time is not where protobuf puts it.");
    }

    private static List<int> Occurrences(byte[] body, ReadOnlySpan<byte> value)
    {
        var offsets = new List<int>();
        for (var start = 0; ;)
        {
            var at = body.AsSpan(start).IndexOf(value);
            if (at < 0)
            {
                return offsets;
            }

            offsets.Add(start + at);
            start += at + value.Length;
        }
    }
}
