using System.Data.Common;

namespace LlmObs.Server.Query.Sql;

/// <summary>Runs <see cref="SpanSql"/>'s statements on one engine and reads their rows into the query models.</summary>
internal sealed class SqlSpanQueries(ISqlConnectionSource source) : ISpanQueries
{
    private SpanSql? _sql;

    public async Task<Page<TraceRow>> ListTracesAsync(SpanFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync((await SqlAsync(cancellationToken)).Traces(filter, page), r => new TraceRow(
            r.GetString(0), r.GetString(1), r.GetString(2), Utc(r, 3), Double(r, 4) ?? 0, Long(r, 5) ?? 0, Long(r, 6) ?? 0,
            Long(r, 7) ?? 0, Long(r, 8) ?? 0, Long(r, 9) ?? 0, Double(r, 10) ?? 0, r.GetBoolean(11), String(r, 12)), cancellationToken);
        return ToPage(rows, page);
    }

    public async Task<Page<LlmCallRow>> ListCallsAsync(SpanFilter filter, PageRequest page, CancellationToken cancellationToken) =>
        ToPage(await ReadAsync((await SqlAsync(cancellationToken)).Calls(filter, page), ReadCall, cancellationToken), page);

    public async Task<IReadOnlyList<LlmCallRow>> TopCallsAsync(SpanFilter filter, int limit, CancellationToken cancellationToken) =>
        await ReadAsync((await SqlAsync(cancellationToken)).TopCalls(filter, limit), ReadCall, cancellationToken);

    public async Task<IReadOnlyList<DailyCost>> CostPerDayAsync(SpanFilter filter, CostDimension by, CancellationToken cancellationToken) =>
        await ReadAsync((await SqlAsync(cancellationToken)).CostPerDay(filter, by),
            r => new DailyCost(Utc(r, 0), String(r, 1), Long(r, 2) ?? 0, Double(r, 3) ?? 0), cancellationToken);

    public async Task<IReadOnlyList<GroupCost>> CostByAsync(SpanFilter filter, CostDimension by, CancellationToken cancellationToken) =>
        await ReadAsync((await SqlAsync(cancellationToken)).CostBy(filter, by),
            r => new GroupCost(String(r, 0), Long(r, 1) ?? 0, Long(r, 2) ?? 0, Long(r, 3) ?? 0, Long(r, 4) ?? 0, Double(r, 5) ?? 0), cancellationToken);

    public async Task<Percentiles> CostPerCallAsync(SpanFilter filter, CancellationToken cancellationToken) =>
        (await ReadAsync((await SqlAsync(cancellationToken)).CostPerCall(filter), r => ReadPercentiles(r, 0), cancellationToken)).Single();

    public async Task<CacheHitRates> CacheHitRateAsync(SpanFilter filter, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync((await SqlAsync(cancellationToken)).CacheHitRate(filter), r => (
            Total: r.GetBoolean(0),
            Rate: CacheRate(String(r, 1), Long(r, 2) ?? 0, Long(r, 3) ?? 0)), cancellationToken);

        // ROLLUP has no total row when nothing matched.
        var overall = rows.FirstOrDefault(row => row.Total).Rate ?? CacheRate(null, 0, 0);
        return new CacheHitRates(overall, rows.Where(row => !row.Total).Select(row => row.Rate).ToList());
    }

    public async Task<IReadOnlyList<ModelLatency>> LatencyByModelAsync(SpanFilter filter, CancellationToken cancellationToken) =>
        await ReadAsync((await SqlAsync(cancellationToken)).LatencyByModel(filter),
            r => new ModelLatency(String(r, 0), Long(r, 1) ?? 0, ReadPercentiles(r, 1), ReadPercentiles(r, 7)), cancellationToken);

    public async Task<Percentiles> LatencyAsync(SpanFilter filter, CancellationToken cancellationToken) =>
        (await ReadAsync((await SqlAsync(cancellationToken)).Latency(filter), r => ReadPercentiles(r, 0), cancellationToken)).Single();

    public async Task<ErrorRates> ErrorRateAsync(SpanFilter filter, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync((await SqlAsync(cancellationToken)).ErrorRate(filter), r => (
            Total: r.GetBoolean(0),
            Rate: Errors(String(r, 1), Long(r, 2) ?? 0, Long(r, 3) ?? 0)), cancellationToken);
        var overall = rows.FirstOrDefault(row => row.Total).Rate ?? Errors(null, 0, 0);
        return new ErrorRates(overall, rows.Where(row => !row.Total).Select(row => row.Rate).ToList());
    }

    public async Task<IReadOnlyList<TokenBucket>> TokensOverTimeAsync(SpanFilter filter, TimeBucket bucket, CancellationToken cancellationToken) =>
        await ReadAsync((await SqlAsync(cancellationToken)).TokensOverTime(filter, bucket),
            r => new TokenBucket(Utc(r, 0), Long(r, 1) ?? 0, Long(r, 2) ?? 0, Long(r, 3) ?? 0, Long(r, 4) ?? 0, Double(r, 5) ?? 0), cancellationToken);

    public async Task<Facets> FacetsAsync(SpanFilter filter, CancellationToken cancellationToken)
    {
        var sql = await SqlAsync(cancellationToken);
        async Task<IReadOnlyList<string>> Distinct(string column, bool modelCalls) =>
            await ReadAsync(sql.Distinct(filter, column, modelCalls), r => r.GetString(0), cancellationToken);

        return new Facets(
            await Distinct("service_name", false), await Distinct("model", true), await Distinct("feature", true), await Distinct("provider", true));
    }

    // The schema is read on first use, not at startup, so the store has created (or migrated) the table by then.
    private async Task<SpanSql> SqlAsync(CancellationToken cancellationToken)
    {
        if (_sql is { } sql)
        {
            return sql;
        }

        var statement = new SqlStatement(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'spans' AND column_name IN ('project', 'user_id', 'ttft_ms')", []);
        var columns = (await ReadAsync(statement, r => r.GetString(0), cancellationToken)).ToHashSet();
        return _sql = new SpanSql(source.Dialect, new StoreSchema(columns.Contains("project"), columns.Contains("user_id") && columns.Contains("ttft_ms")));
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
