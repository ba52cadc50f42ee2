using System.Data.Common;
using LlmObs.Server.Storage.Rollups;

namespace LlmObs.Server.Query.Sql;

/// <summary>
/// Runs <see cref="SpanSql"/>'s statements on one engine and reads their rows into the query models. An aggregate
/// whose period holds whole buckets the rollups cover, and whose filters they keep, is answered by
/// <see cref="RollupSql"/> instead: rollups for those buckets, spans for the rest.
/// </summary>
/// <param name="source">The engine.</param>
/// <param name="useRollups">False to answer everything from the spans (what the rollups are compared with in tests and benchmarks).</param>
internal sealed class SqlSpanQueries(ISqlConnectionSource source, bool useRollups = true) : ISpanQueries
{
    private SpanSql? _sql;
    private bool _hasRollups;

    public async Task<Page<TraceRow>> ListTracesAsync(SpanFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        var sql = await SqlAsync(cancellationToken);
        var newest = await NewestTracesAsync(filter, page, cancellationToken);
        var statement = newest is { Count: 0 } ? null : sql.Traces(filter, page, newest is null ? null : (newest.Select(t => t.Id).ToList(), newest.Min(t => t.Start)));
        var rows = statement is null ? [] : await ReadAsync(statement, r => new TraceRow(
            r.GetString(0), r.GetString(1), r.GetString(2), Utc(r, 3), Double(r, 4) ?? 0, Long(r, 5) ?? 0, Long(r, 6) ?? 0,
            Long(r, 7) ?? 0, Long(r, 8) ?? 0, Long(r, 9) ?? 0, Double(r, 10) ?? 0, r.GetBoolean(11), String(r, 12)), cancellationToken);
        return ToPage(rows, page);
    }

    /// <summary>
    /// The traces of the page when the filter is a period alone (the traces page as it opens): found in the period's
    /// last hour, then the last 6, 36, 216 hours, until the page is full (<see cref="RollupSql.NewestTraces"/>), instead
    /// of grouping every span of the period by trace to sort them. Null when that does not apply or does not fill the page.
    /// </summary>
    private async Task<List<(string Id, DateTime Start)>?> NewestTracesAsync(SpanFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        if (filter with { From = null, To = null } != new SpanFilter() || await CoverageAsync(cancellationToken) is not { } coverage)
        {
            return null;
        }

        var wanted = page.SafeOffset + page.SafeLimit + 1;
        var end = RollupTables.HourOf(filter.To ?? DateTime.UtcNow) + RollupCoverage.Hour;
        foreach (var hours in (int[])[1, 6, 36, 216])
        {
            var since = end - TimeSpan.FromHours(hours);
            if (filter.From is { } from && since <= from)
            {
                return null;
            }

            var found = await ReadAsync(Rollups.NewestTraces(filter, since, coverage, wanted), r => (r.GetString(0), Utc(r, 1)), cancellationToken);
            if (found.Count == wanted)
            {
                return found.Skip(page.SafeOffset).ToList();
            }
        }

        return null;
    }

    public async Task<Page<LlmCallRow>> ListCallsAsync(SpanFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        var sql = await SqlAsync(cancellationToken);

        // Newest first: when the period's last hours hold the page, every call before them comes after it, so the page
        // is cut from those hours instead of sorting every call of the period (PostgreSQL has no index on start time).
        // Not for free text, whose scan each narrower try would repeat.
        if (useRollups && filter.Text is null)
        {
            var end = RollupTables.HourOf(filter.To ?? DateTime.UtcNow) + RollupCoverage.Hour;
            foreach (var hours in (int[])[1, 6, 36, 216])
            {
                var since = end - TimeSpan.FromHours(hours);
                if (filter.From is { } from && since <= from)
                {
                    break;
                }

                var rows = await ReadAsync(sql.Calls(filter with { From = since }, page), ReadCall, cancellationToken);
                if (rows.Count > page.SafeLimit)
                {
                    return ToPage(rows, page);
                }
            }
        }

        return ToPage(await ReadAsync(sql.Calls(filter, page), ReadCall, cancellationToken), page);
    }

    public async Task<Page<SessionRow>> ListSessionsAsync(SpanFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        var sql = await SqlAsync(cancellationToken);
        var rows = await ReadAsync(sql.Sessions(filter, page), r => new SessionRow(
            r.GetString(0), Long(r, 1) ?? 0, Long(r, 2) ?? 0, Long(r, 3) ?? 0, Long(r, 4) ?? 0, Double(r, 5) ?? 0,
            Utc(r, 6), Utc(r, 7), r.GetBoolean(8), String(r, 9)), cancellationToken);
        return ToPage(rows, page);
    }

    public async Task<IReadOnlyList<LlmCallRow>> TopCallsAsync(SpanFilter filter, int limit, CancellationToken cancellationToken)
    {
        // The rolled-up days' cost histograms tell a cost that at least `limit` calls of the period reach: the top
        // calls are among the calls that cost as much, and DuckDB's zone maps skip the row groups where none does.
        var sql = await SqlAsync(cancellationToken);

        // A period alone (the dashboard's "top 10 today"): the days' top lists hold the answer; only its traces are read.
        if (filter with { From = null, To = null } == new SpanFilter() && limit <= Storage.Rollups.RollupJob.TopCallsPerDay
            && await CoverageAsync(cancellationToken) is { } coverage && coverage.Plan(filter, RollupCoverage.Day) is { } days)
        {
            var top = await ReadAsync(Rollups.TopCalls(days, Math.Clamp(limit, 1, 100)), r => (Trace: r.GetString(0), Start: Utc(r, 1), Cost: Double(r, 2) ?? 0), cancellationToken);
            if (top.Count == 0)
            {
                return [];
            }

            var within = (top.Select(t => t.Trace).Distinct().ToList(), top.Min(t => t.Start), top.Max(t => t.Start));
            return await ReadAsync(sql.TopCalls(filter with { MinCostUsd = top.Min(t => t.Cost) }, limit, within), ReadCall, cancellationToken);
        }

        if (await PlanAsync(filter, RollupSql.Source.Values, cancellationToken) is { } plan)
        {
            var bins = await ReadAsync(Rollups.CostBinsFromTop(filter, plan), r => (Count: Long(r, 0) ?? 0, Min: Double(r, 1) ?? 0), cancellationToken);
            long calls = 0;
            foreach (var (count, min) in bins)
            {
                if ((calls += count) >= Math.Clamp(limit, 1, 100))
                {
                    filter = filter with { MinCostUsd = min };
                    break;
                }
            }
        }

        return await ReadAsync(sql.TopCalls(filter, limit), ReadCall, cancellationToken);
    }

    public async Task<IReadOnlyList<DailyCost>> CostPerDayAsync(SpanFilter filter, CostDimension by, int? top, CancellationToken cancellationToken)
    {
        var rollupSource = by == CostDimension.User ? RollupSql.Source.Users : RollupSql.Source.Calls;
        var statement = await PlanAsync(filter, rollupSource, cancellationToken) is { } plan
            ? Rollups.CostPerDay(filter, by, plan)
            : (await SqlAsync(cancellationToken)).CostPerDay(filter, by);
        if (top is { } keep)
        {
            statement = KeepTop(statement, keep);
        }

        return await ReadAsync(statement, r => new DailyCost(Utc(r, 0), String(r, 1), Long(r, 2) ?? 0, Double(r, 3) ?? 0), cancellationToken);
    }

    /// <summary>
    /// Folds a daily split to the <paramref name="top"/> keys that cost most over the period, the rest summed per day
    /// under <see cref="DailyCost.OtherKey"/>. In the database: over a month, the split by user is half a million rows,
    /// which cost more to read out than to fold where they are.
    /// </summary>
    private SqlStatement KeepTop(SqlStatement perDay, int top)
    {
        // Ties in cost are broken by the key, a missing key (calls without a user) first, as the rows are ordered.
        var text = $"""
            WITH per_day AS MATERIALIZED (
            {perDay.Text}
            ),
            kept AS (
                SELECT key, true AS kept FROM per_day GROUP BY key ORDER BY sum(cost_usd) DESC, key NULLS FIRST LIMIT {source.Dialect.Placeholder("top")}
            )
            SELECT p.day, CASE WHEN k.kept THEN p.key ELSE '{DailyCost.OtherKey}' END AS key, sum(p.calls)::BIGINT AS calls, sum(p.cost_usd) AS cost_usd
            FROM per_day p LEFT JOIN kept k ON p.key IS NOT DISTINCT FROM k.key
            GROUP BY 1, 2
            ORDER BY 1, 4 DESC, 2
            """;
        return new SqlStatement(text, [.. perDay.Parameters, new("top", top)]);
    }

    public async Task<IReadOnlyList<GroupCost>> CostByAsync(SpanFilter filter, CostDimension by, CancellationToken cancellationToken)
    {
        var source = by == CostDimension.User ? RollupSql.Source.Users : RollupSql.Source.Calls;
        var statement = await PlanAsync(filter, source, cancellationToken) is { } plan
            ? Rollups.CostBy(filter, by, plan)
            : (await SqlAsync(cancellationToken)).CostBy(filter, by);
        return await ReadAsync(statement,
            r => new GroupCost(String(r, 0), Long(r, 1) ?? 0, Long(r, 2) ?? 0, Long(r, 3) ?? 0, Long(r, 4) ?? 0, Double(r, 5) ?? 0), cancellationToken);
    }

    public async Task<Percentiles> CostPerCallAsync(SpanFilter filter, CancellationToken cancellationToken)
    {
        if (await PlanAsync(filter, RollupSql.Source.Values, cancellationToken) is { } plan)
        {
            var histograms = await HistogramsAsync(Rollups.Histogram(filter, plan, [RollupMetric.Cost], byModel: false, chatOnly: false), cancellationToken);
            return FromHistogram(histograms.GetValueOrDefault((null, RollupMetric.Cost)));
        }

        return (await ReadAsync((await SqlAsync(cancellationToken)).CostPerCall(filter), r => ReadPercentiles(r, 0), cancellationToken)).Single();
    }

    public async Task<CacheHitRates> CacheHitRateAsync(SpanFilter filter, CancellationToken cancellationToken)
    {
        var statement = await PlanAsync(filter, RollupSql.Source.Calls, cancellationToken) is { } plan
            ? Rollups.CacheHitRate(filter, plan)
            : (await SqlAsync(cancellationToken)).CacheHitRate(filter);
        var rows = await ReadAsync(statement, r => (
            Total: r.GetBoolean(0),
            Rate: CacheRate(String(r, 1), Long(r, 2) ?? 0, Long(r, 3) ?? 0)), cancellationToken);

        // ROLLUP has no total row when nothing matched.
        var overall = rows.FirstOrDefault(row => row.Total).Rate ?? CacheRate(null, 0, 0);
        return new CacheHitRates(overall, rows.Where(row => !row.Total).Select(row => row.Rate).ToList());
    }

    public async Task<IReadOnlyList<ModelLatency>> LatencyByModelAsync(SpanFilter filter, CancellationToken cancellationToken)
    {
        if (await PlanAsync(filter, RollupSql.Source.Values, cancellationToken) is { } plan)
        {
            var statement = Rollups.Histogram(filter, plan, [RollupMetric.Duration, RollupMetric.TimeToFirstToken], byModel: true, chatOnly: true);
            var histograms = await HistogramsAsync(statement, cancellationToken);
            return histograms.Keys.Where(k => k.Metric == RollupMetric.Duration).Select(k => k.Model).Distinct()
                .Select(model =>
                {
                    var latency = FromHistogram(histograms.GetValueOrDefault((model, RollupMetric.Duration)));
                    return new ModelLatency(model, latency.Count, latency, FromHistogram(histograms.GetValueOrDefault((model, RollupMetric.TimeToFirstToken))));
                })
                .OrderByDescending(m => m.Calls).ThenBy(m => m.Model, StringComparer.Ordinal)
                .ToList();
        }

        return await ReadAsync((await SqlAsync(cancellationToken)).LatencyByModel(filter),
            r => new ModelLatency(String(r, 0), Long(r, 1) ?? 0, ReadPercentiles(r, 1), ReadPercentiles(r, 7)), cancellationToken);
    }

    public async Task<Percentiles> LatencyAsync(SpanFilter filter, CancellationToken cancellationToken)
    {
        if (await PlanAsync(filter, RollupSql.Source.Values, cancellationToken) is { } plan)
        {
            var histograms = await HistogramsAsync(Rollups.Histogram(filter, plan, [RollupMetric.Duration], byModel: false, chatOnly: true), cancellationToken);
            return FromHistogram(histograms.GetValueOrDefault((null, RollupMetric.Duration)));
        }

        return (await ReadAsync((await SqlAsync(cancellationToken)).Latency(filter), r => ReadPercentiles(r, 0), cancellationToken)).Single();
    }

    public async Task<ErrorRates> ErrorRateAsync(SpanFilter filter, CancellationToken cancellationToken)
    {
        var statement = await PlanAsync(filter, RollupSql.Source.Calls, cancellationToken) is { } plan
            ? Rollups.ErrorRate(filter, plan)
            : (await SqlAsync(cancellationToken)).ErrorRate(filter);
        var rows = await ReadAsync(statement, r => (
            Total: r.GetBoolean(0),
            Rate: Errors(String(r, 1), Long(r, 2) ?? 0, Long(r, 3) ?? 0)), cancellationToken);
        var overall = rows.FirstOrDefault(row => row.Total).Rate ?? Errors(null, 0, 0);
        return new ErrorRates(overall, rows.Where(row => !row.Total).Select(row => row.Rate).ToList());
    }

    public async Task<IReadOnlyList<TokenBucket>> TokensOverTimeAsync(SpanFilter filter, TimeBucket bucket, CancellationToken cancellationToken)
    {
        var statement = await PlanAsync(filter, RollupSql.Source.Calls, cancellationToken) is { } plan
            ? Rollups.TokensOverTime(filter, bucket, plan)
            : (await SqlAsync(cancellationToken)).TokensOverTime(filter, bucket);
        return await ReadAsync(statement,
            r => new TokenBucket(Utc(r, 0), Long(r, 1) ?? 0, Long(r, 2) ?? 0, Long(r, 3) ?? 0, Long(r, 4) ?? 0, Double(r, 5) ?? 0), cancellationToken);
    }

    public async Task<Facets> FacetsAsync(SpanFilter filter, CancellationToken cancellationToken)
    {
        var sql = await SqlAsync(cancellationToken);

        // Facets apply the period only, so any filter may be set: the rollups are asked for the period alone.
        var plan = await PlanAsync(new SpanFilter { From = filter.From, To = filter.To }, RollupSql.Source.Calls, cancellationToken);
        async Task<IReadOnlyList<string>> Distinct(string column, bool modelCalls) =>
            await ReadAsync(plan is null ? sql.Distinct(filter, column, modelCalls) : Rollups.Distinct(filter, column, modelCalls, plan), r => r.GetString(0), cancellationToken);

        return new Facets(
            await Distinct("service_name", false), await Distinct("model", true), await Distinct("feature", true), await Distinct("provider", true));
    }

    private RollupSql Rollups => new(source.Dialect);

    // The schema is read on first use, not at startup, so the store has created (or migrated) the table by then.
    private async Task<SpanSql> SqlAsync(CancellationToken cancellationToken)
    {
        if (_sql is { } sql)
        {
            return sql;
        }

        var statement = new SqlStatement("""
            SELECT column_name FROM information_schema.columns
            WHERE (table_name = 'spans' AND column_name IN ('project', 'user_id', 'ttft_ms')) OR (table_name = 'rollup_state' AND column_name = 'rolled_until')
            """, []);
        var columns = (await ReadAsync(statement, r => r.GetString(0), cancellationToken)).ToHashSet();
        var schema = new StoreSchema(columns.Contains("project"), columns.Contains("user_id") && columns.Contains("ttft_ms"));
        _hasRollups = columns.Contains("rolled_until") && schema.HasProjectColumn && schema.HasQueryColumns;
        return _sql = new SpanSql(source.Dialect, schema);
    }

    /// <summary>
    /// How the rollups of <paramref name="rollup"/> and the spans share the filter's period, read from the rollup
    /// state now; null when the rollups cannot answer the filter or cover no whole bucket of the period.
    /// </summary>
    private async Task<RollupPlan?> PlanAsync(SpanFilter filter, RollupSql.Source rollup, CancellationToken cancellationToken)
    {
        await SqlAsync(cancellationToken).ConfigureAwait(false);
        if (!RollupSql.CanAnswer(filter, rollup) || await CoverageAsync(cancellationToken) is not { } coverage)
        {
            return null;
        }

        return rollup == RollupSql.Source.Users ? coverage.PlanDaysThenHours(filter) : coverage.Plan(filter, RollupSql.Grain(rollup));
    }

    /// <summary>What the rollups hold now; null when there are none (or they are not to be used).</summary>
    private async Task<RollupCoverage?> CoverageAsync(CancellationToken cancellationToken)
    {
        await SqlAsync(cancellationToken).ConfigureAwait(false);
        if (!useRollups || !_hasRollups)
        {
            return null;
        }

        var rows = await ReadAsync(new SqlStatement("""
            SELECT 0, max(rolled_until) FROM rollup_state
            UNION ALL
            SELECT DISTINCT 1, hour FROM rollup_dirty
            """, []), r => (Dirty: Convert.ToInt32(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) == 1, Hour: r.IsDBNull(1) ? (DateTime?)null : Utc(r, 1)), cancellationToken);
        if (rows.FirstOrDefault(row => !row.Dirty).Hour is not { } rolledUntil)
        {
            return null;
        }

        var dirty = rows.Where(row => row.Dirty && row.Hour < rolledUntil).Select(row => row.Hour!.Value).ToHashSet();
        return new RollupCoverage(rolledUntil, dirty);
    }

    /// <summary>Reads <see cref="RollupSql.Histogram"/>'s rows into one sorted histogram per (model, metric).</summary>
    private async Task<Dictionary<(string? Model, RollupMetric Metric), List<HistogramBin>>> HistogramsAsync(SqlStatement statement, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync(statement, r => (
            Model: String(r, 0),
            Metric: (RollupMetric)Convert.ToInt32(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
            Bin: new HistogramBin(Convert.ToInt32(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture), Long(r, 3) ?? 0, Double(r, 4) ?? 0, Double(r, 5) ?? 0, Double(r, 6) ?? 0)),
            cancellationToken);
        return rows.GroupBy(row => (row.Model, row.Metric)).ToDictionary(g => g.Key, g => g.Select(row => row.Bin).OrderBy(b => b.Bin).ToList());
    }

    private static Percentiles FromHistogram(List<HistogramBin>? bins)
    {
        if (bins is null || bins.Count == 0)
        {
            return new Percentiles(0, null, null, null, null, null);
        }

        var count = bins.Sum(b => b.Count);
        return new Percentiles(count, LogHistogram.Percentile(bins, 0.5), LogHistogram.Percentile(bins, 0.95), LogHistogram.Percentile(bins, 0.99),
            bins.Max(b => b.Max), bins.Sum(b => b.Sum) / count);
    }

    private async Task<List<T>> ReadAsync<T>(SqlStatement statement, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = statement.Text;
        foreach (var (name, value) in statement.Parameters)
        {
            command.Parameters.Add(source.Parameter(name, value));
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static Page<T> ToPage<T>(List<T> rows, PageRequest page)
    {
        // One row more than the page was read: its presence is what says another page exists.
        var more = rows.Count > page.SafeLimit;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        return new Page<T>(rows, page.SafeOffset, page.SafeLimit, more ? page.SafeOffset + page.SafeLimit : null);
    }

    private static LlmCallRow ReadCall(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Utc(r, 4), Double(r, 5) ?? 0, (Long(r, 6) ?? 0) == 2,
        String(r, 7), String(r, 8), String(r, 9), String(r, 10), String(r, 11), String(r, 12), String(r, 13),
        Long(r, 14), Long(r, 15), Long(r, 16), Double(r, 17), Double(r, 18));

    private static Percentiles ReadPercentiles(DbDataReader r, int first) => new(
        Long(r, first) ?? 0, Double(r, first + 1), Double(r, first + 2), Double(r, first + 3), Double(r, first + 4), Double(r, first + 5));

    private static CacheHitRate CacheRate(string? model, long input, long cacheRead) =>
        new(model, input, cacheRead, input > 0 ? (double)cacheRead / input : null);

    private static ErrorRate Errors(string? model, long calls, long errors) =>
        new(model, calls, errors, calls > 0 ? (double)errors / calls : null);

    private static string? String(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    // The engines return sums and counts in different numeric types (HUGEINT, numeric, bigint): convert, don't cast.
    private static long? Long(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);

    private static double? Double(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToDouble(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);

    private static DateTime Utc(DbDataReader r, int i) => r.GetValue(i) switch
    {
        DateTimeOffset offset => offset.UtcDateTime,
        DateTime time => time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc),
        var other => throw new InvalidCastException($"Column {i} is a {other.GetType().Name}, not a timestamp."),
    };
}
