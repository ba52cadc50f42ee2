using System.Globalization;

namespace LlmObs.Server.Storage;

/// <summary>
/// The keys of every span stored in a second of start time at or after a horizon, kept in memory by a single writer so
/// a span that is certainly new can be appended straight to its table instead of going through the anti-join that keeps
/// retries out. Exact where it answers: <see cref="IsCertainlyNew"/> is true only for a row in a bucket at or after the
/// horizon whose key is not here, and every stored row at or after the horizon is here. Everything else (older spans, a
/// retry, a 64-bit collision, an id that is not hex) takes the anti-join.
/// </summary>
/// <remarks>
/// Bounded: past <c>capacity</c> keys, the oldest buckets are let go and the horizon moves past them. A span's bucket is
/// its start second, so under any load only spans that start long before they arrive fall back to the anti-join.
/// A key is 64 bits of the span's identity (<see cref="SpanKey"/>): a collision only costs an anti-join.
/// Whoever deletes rows must say so (<see cref="Forget"/>, <see cref="ForgetBefore"/>).
/// </remarks>
internal sealed class RecentSpanKeys(int capacity)
{
    private readonly SortedDictionary<long, HashSet<ulong>> _buckets = [];
    private long _horizon = long.MinValue;
    private int _count;

    /// <summary>The earliest bucket covered; <see cref="long.MinValue"/> when every bucket is.</summary>
    public long Horizon => _horizon;

    public int Count => _count;

    /// <summary>True when the bucket is covered and no stored row has the key; false for a null key.</summary>
    public bool IsCertainlyNew(long bucket, ulong? key) =>
        bucket >= _horizon && key is { } k && (!_buckets.TryGetValue(bucket, out var keys) || !keys.Contains(k));

    /// <summary>Records a stored row (after its transaction committed).</summary>
    public void Add(long bucket, ulong? key)
    {
        // A row below the horizon, or without a key, always takes the anti-join, so it need not be here.
        if (bucket < _horizon || key is not { } k)
        {
            return;
        }

        if (!_buckets.TryGetValue(bucket, out var keys))
        {
            _buckets[bucket] = keys = [];
        }

        if (keys.Add(k))
        {
            _count++;
        }
    }

    /// <summary>Lets the oldest buckets go until at most the capacity remains; the horizon follows.</summary>
    public void Trim()
    {
        while (_count > capacity && _buckets.Count > 0)
        {
            var (bucket, keys) = _buckets.First();
            _buckets.Remove(bucket);
            _count -= keys.Count;
            _horizon = bucket + 1;
        }
    }

    /// <summary>
    /// Starts over covering buckets from <paramref name="horizon"/> on, holding no key: the caller then adds every stored
    /// row from there (<see cref="long.MinValue"/> for an empty table).
    /// </summary>
    public void Reset(long horizon)
    {
        _buckets.Clear();
        _count = 0;
        _horizon = horizon;
    }

    /// <summary>Every row was deleted.</summary>
    public void Forget() => Reset(long.MinValue);

    /// <summary>The rows of the buckets before <paramref name="bucket"/> were deleted.</summary>
    public void ForgetBefore(long bucket)
    {
        foreach (var old in _buckets.Keys.TakeWhile(b => b < bucket).ToList())
        {
            _count -= _buckets[old].Count;
            _buckets.Remove(old);
        }
    }

    /// <summary>
    /// The horizon to seed from, given how many rows each bucket from a candidate start on holds (newest first): the
    /// oldest bucket such that it and every later one fit in the capacity.
    /// </summary>
    public long SeedHorizon(long earliest, IEnumerable<(long Bucket, long Rows)> newestFirst)
    {
        var horizon = earliest;
        long total = 0;
        foreach (var (bucket, rows) in newestFirst)
        {
            total += rows;
            if (total > capacity)
            {
                return Math.Max(earliest, bucket + 1);
            }
        }

        return horizon;
    }

    /// <summary>The default bound: about 24 MB of span keys.</summary>
    public const int DefaultCapacity = 1_000_000;

    /// <summary>The bucket of a span: the second of its start.</summary>
    public static long SecondOf(DateTime start) => start.Ticks / TimeSpan.TicksPerSecond;

    /// <summary>A span's trace and span id (random 128 and 64 bits, W3C) mixed into 64; null when they are not hex.</summary>
    public static ulong? SpanKey(string traceId, string spanId)
    {
        if (traceId.Length != 32 || spanId.Length != 16
            || !ulong.TryParse(traceId.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            || !ulong.TryParse(traceId.AsSpan(16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low)
            || !ulong.TryParse(spanId, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var span))
        {
            return null;
        }

        return low ^ (high * 0x9E3779B97F4A7C15UL) ^ (span * 0xC2B2AE3D27D4EB4FUL);
    }
}
