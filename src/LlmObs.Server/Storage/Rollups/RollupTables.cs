namespace LlmObs.Server.Storage.Rollups;

/// <summary>
/// The rollup tables, as the stores' clear, retention and writers touch them. A batch that holds spans of an
/// hour that has already begun to be rolled up (any hour before the current one) marks that hour dirty in the same
/// transaction, so no query ever reads a rollup that misses spans it could see; the job rolls dirty hours up again.
/// </summary>
internal static class RollupTables
{
    /// <summary>Tables whose rows are keyed by a bucket start (hourly or daily), and the name of that column.</summary>
    public static readonly (string Table, string Column)[] Bucketed =
    [
        ("rollup_calls", "bucket"), ("rollup_users", "bucket"), ("rollup_users_hourly", "bucket"), ("rollup_user_days", "bucket"), ("rollup_values", "bucket"), ("rollup_dirty", "hour"), ("trace_index", "hour"), ("rollup_top_calls", "bucket"),
    ];

    /// <summary>Statements that empty every rollup table (the store is being cleared).</summary>
    public static IEnumerable<string> ClearSql() =>
        Bucketed.Select(t => $"DELETE FROM {t.Table}").Append("DELETE FROM rollup_state");

    /// <summary>
    /// Statements that delete rollup rows of buckets before <paramref name="placeholder"/> (spans before it were removed),
    /// and mark the first hour kept dirty: its day's calls may have taken their user from a span that is gone now.
    /// </summary>
    public static IEnumerable<string> DeleteBeforeSql(string placeholder) =>
        Bucketed.Select(t => $"DELETE FROM {t.Table} WHERE {t.Column} < {placeholder}")
            .Append($"INSERT INTO rollup_dirty (hour) VALUES ({placeholder})");

    /// <summary>
    /// Whether a batch whose earliest span starts at <paramref name="earliestStart"/> holds spans of an hour before
    /// the current one, and so must mark the <see cref="HoursOf"/> its spans before the current hour dirty.
    /// </summary>
    public static bool TouchesClosedHours(DateTime earliestStart, DateTime utcNow) => earliestStart < HourOf(utcNow);

    /// <summary>The marks for the hours of <paramref name="starts"/> (cost recomputation changes those hours' rows).</summary>
    public static IReadOnlyList<DateTime> HoursOf(IEnumerable<DateTime> starts) => starts.Select(HourOf).Distinct().Order().ToList();

    public static DateTime HourOf(DateTime time)
    {
        var utc = DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
    }

    public static DateTime DayOf(DateTime time)
    {
        var utc = DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerDay, DateTimeKind.Utc);
    }
}
