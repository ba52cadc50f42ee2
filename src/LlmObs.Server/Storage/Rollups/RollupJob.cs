using System.Data.Common;
using System.Diagnostics;

namespace LlmObs.Server.Storage.Rollups;

/// <summary>
/// One pass of rolling up: the hours that closed since the last pass (at most <see cref="RollupOptions.MaxHoursPerRun"/>
/// of them, so a backfill is a series of short transactions), the dirty hours (late spans, recomputed costs), and the
/// days they complete or touch. <c>rollup_state.rolled_until</c> says how far it got: every hour before it is rolled
/// up unless <c>rollup_dirty</c> names it, which is all the queries need to know (<see cref="RollupCoverage"/>).
/// </summary>
/// <remarks>
/// Hourly <c>rollup_calls</c> (every span, keyed by project, service, kind, provider, model, feature and error) answer
/// the sums; <c>rollup_users_hourly</c> and daily <c>rollup_users</c> (model calls by project, service and the trace's
/// user: per-call cardinality, so the days make the long periods cheap and the hours their edges; <c>rollup_user_days</c>
/// sums the days over services and projects for the dashboard's unscoped view) and daily
/// <c>rollup_values</c> (histograms of cost, latency and time to first token, see <see cref="LogHistogram"/>); days are
/// made once closed. A call's user is its own or, as the raw queries have it, one from another span of its trace
/// within a day: a user-bearing span that arrives late therefore also re-rolls the hours of its trace's calls.
/// </remarks>
internal sealed class RollupJob(IRollupStore store, RollupOptions options)
{
    private const string ModelCalls = "llm_kind IN ('llm', 'embedding')";

    /// <summary>How many of each day's most expensive calls <c>rollup_top_calls</c> keeps: the API's largest top-calls limit.</summary>
    public const int TopCallsPerDay = 100;
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    public Task<RollupRun> RunOnceAsync(DateTime utcNow, CancellationToken cancellationToken) =>
        store.RunAsync((connection, transaction) => RunAsync(new Session(store, connection, transaction, cancellationToken), utcNow), cancellationToken);

    /// <summary>Runs passes until the rollups have caught up with <paramref name="utcNow"/>.</summary>
    public async Task<RollupRun> CatchUpAsync(DateTime utcNow, CancellationToken cancellationToken)
    {
        var total = new RollupRun(0, 0, null, false, TimeSpan.Zero);
        RollupRun run;
        do
        {
            run = await RunOnceAsync(utcNow, cancellationToken).ConfigureAwait(false);
            total = new RollupRun(total.Hours + run.Hours, total.Days + run.Days, run.RolledUntil, false, total.Elapsed + run.Elapsed);
        }
        while (run.MoreToDo);

        return total;
    }

    private async Task<RollupRun> RunAsync(Session s, DateTime utcNow)
    {
        var watch = Stopwatch.StartNew();
        var target = RollupTables.HourOf(utcNow - options.Lag);
        var state = await s.ScalarAsync<DateTime?>("SELECT max(rolled_until) FROM rollup_state").ConfigureAwait(false);
        var dirty = await s.ListAsync("SELECT DISTINCT hour FROM rollup_dirty").ConfigureAwait(false);

        DateTime from;
        if (state is { } rolledUntil)
        {
            from = rolledUntil;
        }
        else
        {
            // First pass on this store (new, or just migrated): start at its oldest span.
            var first = await s.ScalarAsync<DateTime?>("SELECT min(start_time) FROM spans").ConfigureAwait(false);
            from = first is { } f ? RollupTables.HourOf(f) : target;
        }

        var redo = dirty.Where(h => h < from).ToHashSet();
        if (redo.Count > 0)
        {
            redo.UnionWith(await HoursOfTracesWithUsersAsync(s, redo.Order().ToList(), from).ConfigureAwait(false));
        }

        var chunkEnd = from < target ? Min(target, from + Hour * Math.Max(1, options.MaxHoursPerRun)) : from;
        var hourRanges = Merge(redo.Select(h => (h, h + Hour)).Concat(chunkEnd > from ? [(from, chunkEnd)] : []));
        foreach (var (start, end) in hourRanges)
        {
            await RollUpHoursAsync(s, start, end).ConfigureAwait(false);
        }

        // Skip hours without spans (a store idle for a while, or old data before a gap) in one step.
        var until = chunkEnd;
        if (until < target)
        {
            var next = await s.ScalarAsync<DateTime?>($"SELECT min(start_time) FROM spans WHERE start_time >= {s.Add(until)}").ConfigureAwait(false);
            until = next is { } n ? Max(until, Min(RollupTables.HourOf(n), target)) : target;
        }

        // Days are rolled up once closed: those this pass completed, and closed days holding re-rolled hours.
        var days = new SortedSet<DateTime>();
        for (var day = RollupTables.DayOf(from); day < chunkEnd; day += Day)
        {
            days.Add(day);
        }

        days.UnionWith(redo.Select(RollupTables.DayOf));

        days.RemoveWhere(d => d + Day > until);
        foreach (var (start, end) in Merge(days.Select(d => (d, d + Day))))
        {
            await RollUpDaysAsync(s, start, end).ConfigureAwait(false);
        }

        await s.ExecuteAsync($"DELETE FROM rollup_dirty WHERE hour < {s.Add(until)}").ConfigureAwait(false);
        await s.ExecuteAsync("DELETE FROM rollup_state").ConfigureAwait(false);
        await s.ExecuteAsync($"INSERT INTO rollup_state (rolled_until) VALUES ({s.Add(until)})").ConfigureAwait(false);
        await s.Transaction.CommitAsync(s.CancellationToken).ConfigureAwait(false);

        var hours = hourRanges.Sum(r => (int)((r.End - r.Start) / Hour));
        return new RollupRun(hours, days.Count, until, until < target, watch.Elapsed);
    }

    private async Task RollUpHoursAsync(Session s, DateTime start, DateTime end)
    {
        await s.ExecuteAsync($"DELETE FROM rollup_users_hourly WHERE bucket >= {s.Add(start)} AND bucket < {s.Add(end)}").ConfigureAwait(false);
        await s.ExecuteAsync($"""
            INSERT INTO rollup_users_hourly (bucket, project, service_name, user_id, calls, input_tokens, output_tokens, cache_read_tokens, cost_usd)
            WITH calls AS (
                SELECT trace_id, start_time, project, service_name, user_id, input_tokens, output_tokens, cache_read_tokens, cost_usd
                FROM spans
                WHERE {ModelCalls} AND start_time >= {s.Add(start)} AND start_time < {s.Add(end)}
            ),
            trace_users AS (
                SELECT trace_id, max(user_id) AS user_id
                FROM spans
                WHERE user_id IS NOT NULL AND start_time >= {s.Add(start - Day)} AND start_time < {s.Add(end + Day)}
                GROUP BY trace_id
            )
            SELECT date_trunc('hour', c.start_time), c.project, c.service_name, coalesce(c.user_id, u.user_id), count(*),
                   sum(c.input_tokens), sum(c.output_tokens), sum(c.cache_read_tokens), sum(c.cost_usd)
            FROM calls c LEFT JOIN trace_users u ON u.trace_id = c.trace_id
            GROUP BY 1, 2, 3, 4
            """).ConfigureAwait(false);

        await s.ExecuteAsync($"DELETE FROM rollup_calls WHERE bucket >= {s.Add(start)} AND bucket < {s.Add(end)}").ConfigureAwait(false);
        await s.ExecuteAsync($"""
            INSERT INTO rollup_calls (bucket, project, service_name, llm_kind, provider, model, feature, is_error, spans,
                                      input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_usd, duration_ms)
            SELECT date_trunc('hour', start_time), project, service_name, llm_kind, provider, model, feature, status_code = 2, count(*),
                   sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens),
                   sum(cost_usd), sum(duration_ms)
            FROM spans
            WHERE start_time >= {s.Add(start)} AND start_time < {s.Add(end)}
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
            """).ConfigureAwait(false);

        await s.ExecuteAsync($"DELETE FROM trace_index WHERE hour >= {s.Add(start)} AND hour < {s.Add(end)}").ConfigureAwait(false);
        await s.ExecuteAsync($"""
            INSERT INTO trace_index (hour, trace_id, first_start, last_start)
            SELECT date_trunc('hour', start_time), trace_id, min(start_time), max(start_time)
            FROM spans
            WHERE start_time >= {s.Add(start)} AND start_time < {s.Add(end)}
            GROUP BY 1, 2
            """).ConfigureAwait(false);
    }

    private static async Task RollUpDaysAsync(Session s, DateTime start, DateTime end)
    {
        // A day's users are the sum of its hours': the same trace users, so a period may mix days and hours.
        await s.ExecuteAsync($"DELETE FROM rollup_users WHERE bucket >= {s.Add(start)} AND bucket < {s.Add(end)}").ConfigureAwait(false);
        await s.ExecuteAsync($"""
            INSERT INTO rollup_users (bucket, project, service_name, user_id, calls, input_tokens, output_tokens, cache_read_tokens, cost_usd)
            SELECT date_trunc('day', bucket), project, service_name, user_id, sum(calls),
                   sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cost_usd)
            FROM rollup_users_hourly
            WHERE bucket >= {s.Add(start)} AND bucket < {s.Add(end)}
            GROUP BY 1, 2, 3, 4
            """).ConfigureAwait(false);
        await s.ExecuteAsync($"DELETE FROM rollup_user_days WHERE bucket >= {s.Add(start)} AND bucket < {s.Add(end)}").ConfigureAwait(false);
        await s.ExecuteAsync($"""
            INSERT INTO rollup_user_days (bucket, user_id, calls, input_tokens, output_tokens, cache_read_tokens, cost_usd)
            SELECT bucket, user_id, sum(calls), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cost_usd)
            FROM rollup_users
            WHERE bucket >= {s.Add(start)} AND bucket < {s.Add(end)}
            GROUP BY 1, 2
            """).ConfigureAwait(false);

        // The day's most expensive calls: a period's top N (N <= TopCallsPerDay) are among its days' top lists.
        await s.ExecuteAsync($"DELETE FROM rollup_top_calls WHERE bucket >= {s.Add(start)} AND bucket < {s.Add(end)}").ConfigureAwait(false);
        await s.ExecuteAsync($"""
            INSERT INTO rollup_top_calls (bucket, trace_id, span_id, start_time, cost_usd)
            SELECT day, trace_id, span_id, start_time, cost_usd
            FROM (
                SELECT date_trunc('day', start_time) AS day, trace_id, span_id, start_time, cost_usd,
                       row_number() OVER (PARTITION BY date_trunc('day', start_time) ORDER BY cost_usd DESC, span_id) AS n
                FROM spans
                WHERE {ModelCalls} AND cost_usd IS NOT NULL AND start_time >= {s.Add(start)} AND start_time < {s.Add(end)}
            ) ranked
            WHERE n <= {TopCallsPerDay}
            """).ConfigureAwait(false);

        await s.ExecuteAsync($"DELETE FROM rollup_values WHERE bucket >= {s.Add(start)} AND bucket < {s.Add(end)}").ConfigureAwait(false);
        var range = $"{ModelCalls} AND start_time >= {s.Add(start)} AND start_time < {s.Add(end)}";
        const string keys = "start_time, project, service_name, llm_kind, provider, model, feature, status_code = 2 AS is_error";
        await s.ExecuteAsync($"""
            INSERT INTO rollup_values (bucket, project, service_name, llm_kind, provider, model, feature, is_error, metric, bin, n, total, min_value, max_value)
            SELECT date_trunc('day', start_time), project, service_name, llm_kind, provider, model, feature, is_error, metric,
                   {LogHistogram.BinSql("v")}, count(*), sum(v), min(v), max(v)
            FROM (
                SELECT {keys}, {(int)RollupMetric.Cost} AS metric, cost_usd AS v FROM spans WHERE {range} AND cost_usd IS NOT NULL
                UNION ALL
                SELECT {keys}, {(int)RollupMetric.Duration} AS metric, duration_ms AS v FROM spans WHERE {range}
                UNION ALL
                SELECT {keys}, {(int)RollupMetric.TimeToFirstToken} AS metric, ttft_ms AS v FROM spans WHERE {range} AND ttft_ms IS NOT NULL
            ) x
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
            """).ConfigureAwait(false);
    }

    /// <summary>
    /// The hours (before <paramref name="rolledUntil"/>) of model calls whose trace has a user-bearing span in a
    /// re-rolled hour: their user may have changed (typically a root span that arrived after its calls were rolled up).
    /// </summary>
    private static async Task<IEnumerable<DateTime>> HoursOfTracesWithUsersAsync(Session s, List<DateTime> hours, DateTime rolledUntil)
    {
        var inHours = string.Join(" OR ", Merge(hours.Select(h => (h, h + Hour)))
            .Select(r => $"(u.start_time >= {s.Add(r.Start)} AND u.start_time < {s.Add(r.End)})"));
        return await s.ListAsync($"""
            SELECT DISTINCT date_trunc('hour', c.start_time)
            FROM spans c
            WHERE c.{ModelCalls} AND c.start_time >= {s.Add(hours[0] - Day)} AND c.start_time < {s.Add(Min(hours[^1] + Hour + Day, rolledUntil))}
              AND c.trace_id IN (SELECT u.trace_id FROM spans u WHERE u.user_id IS NOT NULL AND ({inHours}))
            """).ConfigureAwait(false);
    }

    /// <summary>Sorted, non-overlapping ranges covering <paramref name="ranges"/>.</summary>
    internal static List<(DateTime Start, DateTime End)> Merge(IEnumerable<(DateTime Start, DateTime End)> ranges)
    {
        var merged = new List<(DateTime Start, DateTime End)>();
        foreach (var (start, end) in ranges.Where(r => r.End > r.Start).OrderBy(r => r.Start))
        {
            if (merged.Count > 0 && start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Max(merged[^1].End, end));
            }
            else
            {
                merged.Add((start, end));
            }
        }

        return merged;
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    /// <summary>One pass's connection, transaction and statements; every value is a parameter.</summary>
    private sealed class Session(IRollupStore store, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        private readonly List<DbParameter> _parameters = [];

        public DbTransaction Transaction => transaction;

        public CancellationToken CancellationToken => cancellationToken;

        public string Add(DateTime value)
        {
            var name = "r" + _parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _parameters.Add(store.Parameter(name, DateTime.SpecifyKind(value, DateTimeKind.Utc)));
            return store.Dialect.Placeholder(name);
        }

        public async Task ExecuteAsync(string sql)
        {
            await using var command = Command(sql);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task<T?> ScalarAsync<T>(string sql)
        {
            await using var command = Command(sql);
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return value is null or DBNull ? default : (T)(object)AsUtc(value);
        }

        public async Task<List<DateTime>> ListAsync(string sql)
        {
            await using var command = Command(sql);
            var values = new List<DateTime>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                values.Add(AsUtc(reader.GetValue(0)));
            }

            return values;
        }

        private DbCommand Command(string sql)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.Parameters.AddRange(_parameters.ToArray());
            _parameters.Clear();
            return command;
        }

        private static DateTime AsUtc(object value) => value switch
        {
            DateTimeOffset offset => offset.UtcDateTime,
            DateTime time => time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc),
            _ => throw new InvalidCastException($"Expected a timestamp, got {value.GetType().Name}."),
        };
    }
}

/// <summary>What one pass (or a catch-up) did: hours and days rolled up, how far the rollups now reach.</summary>
internal sealed record RollupRun(int Hours, int Days, DateTime? RolledUntil, bool MoreToDo, TimeSpan Elapsed);

/// <summary>The values <c>rollup_values</c> keeps histograms of.</summary>
internal enum RollupMetric
{
    Cost = 1,
    Duration = 2,
    TimeToFirstToken = 3,
}
