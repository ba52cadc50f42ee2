using System.Globalization;

namespace LlmObs.Server.Storage.Content;

/// <summary>
/// The content values (day, whole SHA-256) known to be stored, so a value repeated within its day (a system prompt, a
/// tool list) is not written again. Known means stored: a key is added only after its transaction committed, and an
/// engine that trusts it (DuckDB; PostgreSQL's primary key decides there) says when it deletes content
/// (<see cref="Forget"/>, <see cref="ForgetBefore"/>).
/// </summary>
/// <remarks>
/// Bounded, by recency: keys live in two generations of half the capacity each; when the newer one is full the older one
/// is let go, and a key found in the older one moves to the newer. Values that keep coming back stay known; a value not
/// seen for about <c>capacity</c> other values is forgotten and, if it comes back the same day, stored once more (reads
/// take one row per hash). Exact deduplication over a whole day would need either every key of the day in memory or a
/// lookup in the store per batch — a scan of the day's hashes in DuckDB, which grew with the day and halved ingest.
/// </remarks>
internal sealed class KnownContent(int capacity)
{
    /// <summary>The default bound: about 48 MB of keys.</summary>
    public const int DefaultCapacity = 1_000_000;

    private HashSet<Key> _newer = [];
    private HashSet<Key> _older = [];

    public int Count => _newer.Count + _older.Count;

    /// <summary>True when the value is known to be stored for its day.</summary>
    public bool Contains(DateOnly day, string hash)
    {
        if (Parse(day, hash) is not { } key)
        {
            return false;
        }

        if (_newer.Contains(key))
        {
            return true;
        }

        if (!_older.Remove(key))
        {
            return false;
        }

        AddNewer(key);
        return true;
    }

    /// <summary>Records a stored value (after its transaction committed).</summary>
    public void Add(DateOnly day, string hash)
    {
        if (Parse(day, hash) is { } key)
        {
            _older.Remove(key);
            AddNewer(key);
        }
    }

    /// <summary>Every value was deleted.</summary>
    public void Forget()
    {
        _newer.Clear();
        _older.Clear();
    }

    /// <summary>The values of the days before <paramref name="day"/> were deleted.</summary>
    public void ForgetBefore(DateOnly day)
    {
        var before = day.DayNumber;
        _newer.RemoveWhere(k => k.Day < before);
        _older.RemoveWhere(k => k.Day < before);
    }

    private void AddNewer(Key key)
    {
        if (_newer.Add(key) && _newer.Count >= Math.Max(1, capacity / 2))
        {
            (_older, _newer) = (_newer, _older);
            _newer.Clear();
        }
    }

    // The whole hash: a known key then means exactly this value is stored. Anything but 64 hex digits is never known.
    private static Key? Parse(DateOnly day, string hash) =>
        hash.Length == 64
        && UInt128.TryParse(hash.AsSpan(0, 32), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
        && UInt128.TryParse(hash.AsSpan(32), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low)
            ? new Key(day.DayNumber, high, low) : null;

    private readonly record struct Key(int Day, UInt128 High, UInt128 Low);
}
