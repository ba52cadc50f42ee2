namespace LlmObs.Server.Query;

/// <summary>
/// Keeps a daily cost split readable: the keys that cost most over the period, and every other key summed per day as
/// one series. Over 30 days with 20,000 users the full split is half a million rows; a chart shows a handful.
/// </summary>
internal static class DailyCostSeries
{
    /// <summary>The key the keys beyond the top ones are summed under.</summary>
    public const string Other = "(other)";

    /// <summary>The rows of the <paramref name="top"/> keys with the highest cost over the period, and one <see cref="Other"/> row per day for the rest.</summary>
    public static IReadOnlyList<DailyCost> KeepTop(IReadOnlyList<DailyCost> rows, int top)
    {
        var ranked = rows.GroupBy(r => r.Key)
            .Select(g => (g.Key, Cost: g.Sum(r => r.CostUsd)))
            .OrderByDescending(k => k.Cost).ThenBy(k => k.Key, StringComparer.Ordinal)
            .ToList();
        if (ranked.Count <= top)
        {
            return rows;
        }

        var kept = ranked.Take(top).Select(k => k.Key).ToHashSet();
        var others = rows.Where(r => !kept.Contains(r.Key))
            .GroupBy(r => r.Day)
            .Select(g => new DailyCost(g.Key, Other, g.Sum(r => r.Calls), g.Sum(r => r.CostUsd)));
        return [.. rows.Where(r => kept.Contains(r.Key)).Concat(others).OrderBy(r => r.Day).ThenByDescending(r => r.CostUsd)];
    }
}
