using LlmObs.Server.Ingest;

namespace LlmObs.Server.Storage.Content;

/// <summary>What both engines do around their content query on trace-by-id: which blobs to fetch, and putting them back.</summary>
internal static class ContentRows
{
    /// <summary>Each content value of a batch once, by day and hash: one system prompt is in most of a batch's spans.</summary>
    public static List<ContentBlob> Unique(IEnumerable<SplitSpan> rows)
    {
        var seen = new HashSet<(DateOnly, string)>();
        return [.. rows.SelectMany(r => r.Blobs).Where(b => seen.Add((b.Day, b.Hash)))];
    }

    /// <summary>The content to fetch for these rows: the day range (so only those days' content is searched) and the hashes.</summary>
    public static (DateOnly First, DateOnly Last, IReadOnlyList<string> Hashes)? Wanted(IEnumerable<(SpanRecord Span, string? Refs)> rows)
    {
        var hashes = new HashSet<string>();
        DateOnly first = DateOnly.MaxValue, last = DateOnly.MinValue;
        foreach (var (span, refs) in rows)
        {
            if (refs is null)
            {
                continue;
            }

            hashes.UnionWith(LargeValueSplitter.HashesOf(refs));
            var day = LargeValueSplitter.DayOf(span.StartTime);
            first = day < first ? day : first;
            last = day > last ? day : last;
        }

        return hashes.Count == 0 ? null : (first, last, hashes.ToList());
    }

    public static SpanRecord Reassemble(SpanRecord span, string? refs, IReadOnlyDictionary<string, byte[]> content)
    {
        if (refs is null)
        {
            return span;
        }

        var (attributes, events) = LargeValueSplitter.Reassemble(span.AttributesJson, span.EventsJson, refs, content);
        return span with { AttributesJson = attributes, EventsJson = events };
    }
}
