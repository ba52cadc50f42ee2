using LlmObs.Server.Storage.Rollups;

namespace LlmObs.Server.Query.Sql;

/// <summary>
/// The aggregates of <see cref="SpanSql"/> answered from the rollup tables (Storage/Rollups) for the buckets a
/// <see cref="RollupPlan"/> gives them, and from the spans for the rest of the period, in one statement: both
/// sides produce rows of the rollup's shape (<c>facts</c>), which the query then sums as the raw query would.
/// Only filters a rollup keeps can be answered this way (<see cref="CanAnswer"/>); the rest go to <see cref="SpanSql"/>.
/// </summary>
internal sealed class RollupSql(ISqlDialect dialect)
{
    private const string ModelCalls = "llm_kind IN ('llm', 'embedding')";

    /// <summary>The rollups a question reads.</summary>
    public enum Source
    {
        /// <summary><c>rollup_calls</c>: hourly sums by project, service, kind, provider, model, feature and error.</summary>
        Calls,

        /// <summary>
        /// <c>rollup_user_days</c> (by user), <c>rollup_users</c> (by project, service and user) for whole days and
        /// <c>rollup_users_hourly</c> for the hours of the edge days: sums of model calls by the trace's user.
        /// </summary>
        Users,

        /// <summary><c>rollup_values</c>: daily histograms of cost, latency and time to first token, keyed as <see cref="Calls"/>.</summary>
        Values,
    }

    public static TimeSpan Grain(Source source) => source == Source.Calls ? RollupCoverage.Hour : RollupCoverage.Day;

    /// <summary>Whether the rollups of <paramref name="source"/> keep every column <paramref name="filter"/> narrows by.</summary>
    public static bool CanAnswer(SpanFilter filter, Source source)
    {
        if (filter.MinCostUsd is not null || filter.MinLatencyMs is not null || filter.Text is not null || filter.Session is not null)
        {
            return false;
        }

        return source == Source.Users
            ? filter.Feature is null && filter.Model is null && filter.Provider is null && filter.Status is null
            : filter.User is null;
    }

    public SqlStatement CostPerDay(SpanFilter filter, CostDimension by, RollupPlan plan)
    {
        var p = new SqlParameters(dialect);
        var users = by == CostDimension.User ? UserParts(filter, plan, p) : default;
        if (users is { Days: { } days, DaysUnique: true } parts)
        {
            // Whole days' rows are already one per day and user, and no other part holds those days: only the edges
            // are grouped (a month of 20,000 daily users is half a million rows to hash for nothing otherwise).
            var edges = parts.Edges is { } e ? $"""

                UNION ALL
                SELECT date_trunc('day', bucket), user_id, sum(calls)::BIGINT, coalesce(sum(cost_usd), 0)
                FROM ({e}) edges
                GROUP BY 1, 2
                """ : "";
            return new SqlStatement($"""
                {(parts.Ctes.Count == 0 ? "" : "WITH " + string.Join(",\n", parts.Ctes))}
                SELECT day, key, calls, cost_usd
                FROM (
                    SELECT bucket AS day, user_id AS key, calls, coalesce(cost_usd, 0) AS cost_usd
                    FROM ({days}) whole_days{edges}
                ) x
                ORDER BY 1, 4 DESC, 2
                """, p.Values);
        }

        var facts = by == CostDimension.User ? UserFacts(users) : CallFacts(filter, plan, p, callsOnly: true, dimensions: true);
        var key = Key(by);
        return new SqlStatement($"""
            {facts}
            SELECT date_trunc('day', bucket) AS day, {key} AS key, sum(calls)::BIGINT AS calls, coalesce(sum(cost_usd), 0) AS cost_usd
            FROM facts
            GROUP BY 1, 2
            ORDER BY 1, 4 DESC, 2
            """, p.Values);
    }

    public SqlStatement CostBy(SpanFilter filter, CostDimension by, RollupPlan plan)
    {
        var p = new SqlParameters(dialect);
        var facts = by == CostDimension.User ? UserFacts(UserParts(filter, plan, p)) : CallFacts(filter, plan, p, callsOnly: true, dimensions: true);
        return new SqlStatement($"""
            {facts}
            SELECT {Key(by)} AS key, sum(calls)::BIGINT AS calls,
                   coalesce(sum(input_tokens), 0)::BIGINT, coalesce(sum(output_tokens), 0)::BIGINT, coalesce(sum(cache_read_tokens), 0)::BIGINT,
                   coalesce(sum(cost_usd), 0) AS cost_usd
            FROM facts
            GROUP BY 1
            ORDER BY cost_usd DESC, 1
            """, p.Values);
    }

    public SqlStatement CacheHitRate(SpanFilter filter, RollupPlan plan)
    {
        var p = new SqlParameters(dialect);
        return new SqlStatement($"""
            {CallFacts(filter, plan, p, callsOnly: true, dimensions: true)}
            SELECT GROUPING(model) = 1 AS is_total, model,
                   coalesce(sum(input_tokens), 0)::BIGINT, coalesce(sum(cache_read_tokens), 0)::BIGINT
            FROM facts
            WHERE llm_kind = 'llm'
            GROUP BY ROLLUP (model)
            ORDER BY 1 DESC, 4 DESC, 2
            """, p.Values);
    }

    public SqlStatement ErrorRate(SpanFilter filter, RollupPlan plan)
    {
        var p = new SqlParameters(dialect);
        return new SqlStatement($"""
            {CallFacts(filter, plan, p, callsOnly: true, dimensions: true)}
            SELECT GROUPING(model) = 1 AS is_total, model, sum(calls)::BIGINT, coalesce(sum(CASE WHEN is_error THEN calls ELSE 0 END), 0)::BIGINT
            FROM facts
            GROUP BY ROLLUP (model)
            ORDER BY 1 DESC, 3 DESC, 2
            """, p.Values);
    }

    public SqlStatement TokensOverTime(SpanFilter filter, TimeBucket bucket, RollupPlan plan)
    {
        var p = new SqlParameters(dialect);
        var unit = bucket == TimeBucket.Hour ? "hour" : "day";
        return new SqlStatement($"""
            {CallFacts(filter, plan, p, callsOnly: true, dimensions: true)}
            SELECT date_trunc('{unit}', bucket) AS bucket, sum(calls)::BIGINT,
                   coalesce(sum(input_tokens), 0)::BIGINT, coalesce(sum(output_tokens), 0)::BIGINT, coalesce(sum(cache_read_tokens), 0)::BIGINT,
                   coalesce(sum(cost_usd), 0)
            FROM facts
            GROUP BY 1
            ORDER BY 1
            """, p.Values);
    }

    /// <summary>Distinct values of one column in the period, like <see cref="SpanSql.Distinct"/> (which, too, applies only the period).</summary>
    public SqlStatement Distinct(SpanFilter filter, string column, bool modelCallsOnly, RollupPlan plan)
    {
        var p = new SqlParameters(dialect);
        return new SqlStatement($"""
            {CallFacts(filter, plan, p, callsOnly: false, dimensions: false)}
            SELECT DISTINCT {column}
            FROM facts
            WHERE {column} IS NOT NULL {(modelCallsOnly ? "AND " + ModelCalls : "")}
            ORDER BY 1
            LIMIT 200
            """, p.Values);
    }

    /// <summary>
    /// The merged histogram of <paramref name="metric"/> per model (when <paramref name="byModel"/>) as rows
    /// (model, bin, count, sum, min, max) ordered by model and bin; <paramref name="chatOnly"/> keeps <c>llm</c> calls only.
    /// </summary>
    public SqlStatement Histogram(SpanFilter filter, RollupPlan plan, IReadOnlyList<RollupMetric> metrics, bool byModel, bool chatOnly)
    {
        var p = new SqlParameters(dialect);
        var kind = chatOnly ? "llm_kind = 'llm'" : ModelCalls;
        var rolled = $"""
            SELECT r.model, r.metric, r.bin, r.n, r.total, r.min_value, r.max_value
            FROM rollup_values r
            WHERE ({Ranges("r.bucket", plan.Rolled, p)}) AND r.{kind} AND r.metric IN ({string.Join(", ", metrics.Select(m => (int)m))}){Dimensions(filter, p, "r", rollup: true)}
            """;
        // One scan per range whatever the metrics: each span gives a row per metric (PostgreSQL reads whole rows).
        // A cross join with the metrics, not LATERAL (VALUES …), which DuckDB plans as a join over the whole table.
        var metricIds = string.Join(", ", metrics.Select(metric => $"({(int)metric})"));
        var value = $"CASE m.metric {string.Concat(metrics.Select(metric => $"WHEN {(int)metric} THEN {Column(metric)} "))}END";
        var raw = plan.Raw.Select(range => $"""
            SELECT s.model, m.metric, {value} AS v
            FROM spans s CROSS JOIN (VALUES {metricIds}) AS m(metric)
            WHERE {Range("s.start_time", range, p)} AND s.{kind}{Dimensions(filter, p, "s", rollup: false)}
            """).ToList();
        var rawPart = raw.Count == 0 ? "" : $"""

            UNION ALL
            SELECT model, metric, {LogHistogram.BinSql("v")}, count(*), sum(v), min(v), max(v)
            FROM (
            {string.Join("\nUNION ALL\n", raw)}
            ) x
            WHERE v IS NOT NULL
            GROUP BY 1, 2, 3
            """;
        var model = byModel ? "model" : "CAST(NULL AS VARCHAR)";
        return new SqlStatement($"""
            WITH facts AS (
            {rolled}{rawPart}
            )
            SELECT {model} AS model, metric, bin, sum(n)::BIGINT, sum(total), min(min_value), max(max_value)
            FROM facts
            GROUP BY 1, 2, 3
            ORDER BY 1, 2, 3
            """, p.Values);
    }

    /// <summary>
    /// Up to <paramref name="count"/> traces whose first span in the filter's period starts at or after
    /// <paramref name="since"/> (an hour start), newest first, as (trace id, first start): the traces with a span
    /// from <paramref name="since"/> on, less those with an earlier span in the period, which <c>trace_index</c>
    /// tells for the rolled-up hours and the spans for the others. Every trace it leaves out starts before
    /// <paramref name="since"/>, so when it returns <paramref name="count"/> traces they are the newest of the period.
    /// </summary>
    public SqlStatement NewestTraces(SpanFilter filter, DateTime since, RollupCoverage coverage, int count)
    {
        var p = new SqlParameters(dialect);
        var from = filter.From is { } f ? f : DateTime.MinValue;
        var to = filter.To is { } t ? $" AND s.start_time < {p.Add(t)}" : "";
        var indexed = new List<string>();
        var indexEnd = since < coverage.RolledUntil ? since : coverage.RolledUntil;
        if (from != DateTime.MinValue) indexed.Add($"t.hour >= {p.Add(RollupTables.HourOf(from))} AND t.last_start >= {p.Add(from)}");
        indexed.Add($"t.hour < {p.Add(indexEnd)}");
        var dirty = coverage.DirtyHours.Where(h => h + RollupCoverage.Hour > from && h < indexEnd).Order().ToList();
        if (dirty.Count > 0) indexed.Add($"t.hour NOT IN ({string.Join(", ", dirty.Select(h => p.Add(h)))})");

        // What trace_index does not hold: the hours not rolled up yet and the dirty ones, cut to [from, since).
        var raw = dirty.Select(h => new TimeRange(h < from ? from : h, h + RollupCoverage.Hour > since ? since : h + RollupCoverage.Hour)).ToList();
        if (coverage.RolledUntil < since)
        {
            raw.Add(new TimeRange(coverage.RolledUntil < from ? from : coverage.RolledUntil, since));
        }

        var earlier = raw.Where(r => r.End > r.Start).Select(r => $"""
            SELECT s.trace_id FROM spans s WHERE {Range("s.start_time", r, p)} AND s.trace_id IN (SELECT trace_id FROM candidates)
            """).Prepend($"""
            SELECT t.trace_id FROM trace_index t WHERE {string.Join(" AND ", indexed)} AND t.trace_id IN (SELECT trace_id FROM candidates)
            """);
        return new SqlStatement($"""
            WITH candidates AS (
                SELECT s.trace_id, min(s.start_time) AS first_start
                FROM spans s
                WHERE s.start_time >= {p.Add(since)}{to}
                GROUP BY s.trace_id
            ),
            earlier AS (
            {string.Join("\nUNION ALL\n", earlier)}
            )
            SELECT trace_id, first_start
            FROM candidates
            WHERE trace_id NOT IN (SELECT trace_id FROM earlier)
            ORDER BY first_start DESC, trace_id
            LIMIT {p.Add(count)}
            """, p.Values);
    }

    /// <summary>
    /// The <paramref name="limit"/> most expensive calls of the period as (trace id, start, cost): from each rolled
    /// day's top list (<c>rollup_top_calls</c>, which holds at least <paramref name="limit"/> of them) and the spans
    /// of the raw ranges. A filter other than the period is not kept by the top lists.
    /// </summary>
    public SqlStatement TopCalls(RollupPlan days, int limit)
    {
        var p = new SqlParameters(dialect);
        var raw = days.Raw.Select(range => $"""
            SELECT s.trace_id, s.span_id, s.start_time, s.cost_usd
            FROM spans s
            WHERE {Range("s.start_time", range, p)} AND s.{ModelCalls} AND s.cost_usd IS NOT NULL
            """);
        return new SqlStatement($"""
            SELECT trace_id, start_time, cost_usd
            FROM (
            {string.Join("\nUNION ALL\n", raw.Prepend($"SELECT r.trace_id, r.span_id, r.start_time, r.cost_usd FROM rollup_top_calls r WHERE {Ranges("r.bucket", days.Rolled, p)}"))}
            ) x
            ORDER BY cost_usd DESC, span_id
            LIMIT {p.Add(limit)}
            """, p.Values);
    }

    /// <summary>The rolled-up days' cost bins of priced calls, most expensive first, as (calls, least cost in the bin).</summary>
    public SqlStatement CostBinsFromTop(SpanFilter filter, RollupPlan plan)
    {
        var p = new SqlParameters(dialect);
        return new SqlStatement($"""
            SELECT sum(r.n)::BIGINT, min(r.min_value)
            FROM rollup_values r
            WHERE ({Ranges("r.bucket", plan.Rolled, p)}) AND r.{ModelCalls} AND r.metric = {(int)RollupMetric.Cost}{Dimensions(filter, p, "r", rollup: true)}
            GROUP BY r.bin
            ORDER BY r.bin DESC
            LIMIT 200
            """, p.Values);
    }

    private static string Column(RollupMetric metric) => metric switch
    {
        RollupMetric.Cost => "s.cost_usd",
        RollupMetric.Duration => "s.duration_ms",
        RollupMetric.TimeToFirstToken => "s.ttft_ms",
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    /// <summary>
    /// CTE <c>facts</c>: rows of <c>rollup_calls</c>'s shape (with <c>calls</c> for its span count) from the rolled
    /// buckets, and the same grouping over the spans of the raw ranges, one scan per range so each stays a range scan.
    /// </summary>
    private string CallFacts(SpanFilter filter, RollupPlan plan, SqlParameters p, bool callsOnly, bool dimensions)
    {
        var kind = callsOnly ? " AND r." + ModelCalls : "";
        var rolled = $"""
            SELECT r.bucket, r.project, r.service_name, r.llm_kind, r.provider, r.model, r.feature, r.is_error, r.spans AS calls,
                   r.input_tokens, r.output_tokens, r.cache_read_tokens, r.cost_usd
            FROM rollup_calls r
            WHERE ({Ranges("r.bucket", plan.Rolled, p)}){kind}{(dimensions ? Dimensions(filter, p, "r", rollup: true) : "")}
            """;
        var raw = plan.Raw.Select(range => $"""
            SELECT date_trunc('hour', s.start_time), s.project, s.service_name, s.llm_kind, s.provider, s.model, s.feature, s.status_code = 2, count(*),
                   sum(s.input_tokens), sum(s.output_tokens), sum(s.cache_read_tokens), sum(s.cost_usd)
            FROM spans s
            WHERE {Range("s.start_time", range, p)}{(callsOnly ? " AND s." + ModelCalls : "")}{(dimensions ? Dimensions(filter, p, "s", rollup: false) : "")}
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
            """);
        return $"""
            WITH facts AS (
            {string.Join("\nUNION ALL\n", raw.Prepend(rolled))}
            )
            """;
    }

    /// <summary>
    /// CTE <c>facts</c> of <c>rollup_users</c>'s shape: the rolled days and hours, and the raw ranges' calls with their user
    /// or, as <see cref="SpanSql"/> has it, the user of another span of their trace within a day of the range.
    /// </summary>
    private static string UserFacts((IReadOnlyList<string> Ctes, string? Days, string? Edges, bool DaysUnique) parts)
    {
        var facts = $"""
            facts AS (
            {string.Join("\nUNION ALL\n", new[] { parts.Days, parts.Edges }.OfType<string>())}
            )
            """;
        return "WITH " + string.Join(",\n", parts.Ctes.Append(facts));
    }

    /// <summary>
    /// The rows of <see cref="UserFacts"/> in two parts: <c>Days</c> from the daily rollup (one row per day and user
    /// when no service or project is asked for: <c>rollup_user_days</c>), <c>Edges</c> from hourly rollups and spans
    /// (other days than <c>Days</c>'), each a SELECT or null; <c>Ctes</c> are the CTEs they read.
    /// </summary>
    private (IReadOnlyList<string> Ctes, string? Days, string? Edges, bool DaysUnique) UserParts(SpanFilter filter, RollupPlan plan, SqlParameters p)
    {
        var scope = new List<string>();
        if (filter.Service is { } service) scope.Add($" AND {{0}}.service_name = {p.Add(service)}");
        if (filter.Project is { } project) scope.Add($" AND {{0}}.project = {p.Add(project)}");
        string Scope(string alias) => string.Concat(scope.Select(s => string.Format(System.Globalization.CultureInfo.InvariantCulture, s, alias)));

        var user = filter.User is { } u ? p.Add(u) : null;
        string Rolled(string table, IReadOnlyList<TimeRange> ranges) => $"""
            SELECT r.bucket, r.user_id, r.calls, r.input_tokens, r.output_tokens, r.cache_read_tokens, r.cost_usd
            FROM {table} r
            WHERE ({Ranges("r.bucket", ranges, p)}){Scope("r")}{(user is null ? "" : $" AND r.user_id = {user}")}
            """;
        var unique = scope.Count == 0;
        var days = plan.Rolled.Count > 0 ? Rolled(unique ? "rollup_user_days" : "rollup_users", plan.Rolled) : null;
        var edges = new List<string>();
        if (plan.RolledHours.Count > 0)
        {
            edges.Add(Rolled("rollup_users_hourly", plan.RolledHours));
        }

        if (plan.Raw.Count == 0)
        {
            return ([], days, edges.Count == 0 ? null : string.Join("\nUNION ALL\n", edges), unique);
        }

        var calls = plan.Raw.Select(range => $"""
            SELECT s.trace_id, s.start_time, s.user_id, s.input_tokens, s.output_tokens, s.cache_read_tokens, s.cost_usd
            FROM spans s
            WHERE {Range("s.start_time", range, p)} AND s.{ModelCalls}{Scope("s")}
            """);
        var near = Storage.Rollups.RollupJob.Merge(plan.Raw.Select(r => (Widen(r.Start, -SpanSql.TraceUserMargin), Widen(r.End, SpanSql.TraceUserMargin))))
            .Select(range => $"""
                SELECT u.trace_id, u.user_id
                FROM spans u
                WHERE {Range("u.start_time", new TimeRange(range.Start, range.End), p)} AND u.user_id IS NOT NULL
                  AND u.trace_id IN (SELECT trace_id FROM raw_calls)
                """);
        var resolved = "coalesce(c.user_id, tu.user_id)";
        edges.Add($"""
            SELECT date_trunc('day', c.start_time), {resolved}, count(*), sum(c.input_tokens), sum(c.output_tokens), sum(c.cache_read_tokens), sum(c.cost_usd)
            FROM raw_calls c LEFT JOIN raw_users tu ON tu.trace_id = c.trace_id
            {(user is null ? "" : $"WHERE {resolved} = {user}")}
            GROUP BY 1, 2
            """);
        string[] ctes =
        [
            $"""
            raw_calls AS (
            {string.Join("\nUNION ALL\n", calls)}
            )
            """,
            $"""
            raw_users AS (
                SELECT trace_id, max(user_id) AS user_id
                FROM (
                {string.Join("\nUNION ALL\n", near)}
                ) x
                GROUP BY trace_id
            )
            """,
        ];
        return (ctes, days, string.Join("\nUNION ALL\n", edges), unique);
    }

    private static DateTime Widen(DateTime time, TimeSpan by) =>
        time == DateTime.MinValue || time == DateTime.MaxValue ? time
        : by < TimeSpan.Zero ? (time - DateTime.MinValue < -by ? DateTime.MinValue : time + by)
        : (DateTime.MaxValue - time < by ? DateTime.MaxValue : time + by);

    /// <summary>The filters both the rollup (<paramref name="rollup"/>) and the spans keep, as <c> AND …</c> clauses.</summary>
    private static string Dimensions(SpanFilter filter, SqlParameters p, string alias, bool rollup)
    {
        var where = new System.Text.StringBuilder();
        if (filter.Service is { } service) where.Append($" AND {alias}.service_name = {p.Add(service)}");
        if (filter.Project is { } project) where.Append($" AND {alias}.project = {p.Add(project)}");
        if (filter.Feature is { } feature) where.Append($" AND {alias}.feature = {p.Add(feature)}");
        if (filter.Model is { } model) where.Append($" AND {alias}.model = {p.Add(model)}");
        if (filter.Provider is { } provider) where.Append($" AND {alias}.provider = {p.Add(provider)}");
        var error = rollup ? $"{alias}.is_error" : $"{alias}.status_code = 2";
        if (filter.Status == StatusFilter.Error) where.Append($" AND {error}");
        if (filter.Status == StatusFilter.Ok) where.Append($" AND NOT ({error})");
        return where.ToString();
    }

    private static string Ranges(string column, IReadOnlyList<TimeRange> ranges, SqlParameters p) =>
        string.Join(" OR ", ranges.Select(r => "(" + Range(column, r, p) + ")"));

    private static string Range(string column, TimeRange range, SqlParameters p)
    {
        var clauses = new List<string>();
        if (range.Start != DateTime.MinValue) clauses.Add($"{column} >= {p.Add(range.Start)}");
        if (range.End != DateTime.MaxValue) clauses.Add($"{column} < {p.Add(range.End)}");
        return clauses.Count == 0 ? "TRUE" : string.Join(" AND ", clauses);
    }

    private static string Key(CostDimension by) => by switch
    {
        CostDimension.Feature => "feature",
        CostDimension.User => "user_id",
        CostDimension.Model => "model",
        _ => throw new ArgumentOutOfRangeException(nameof(by)),
    };
}
