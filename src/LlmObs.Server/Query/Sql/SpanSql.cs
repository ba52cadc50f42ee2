using System.Text;

namespace LlmObs.Server.Query.Sql;

/// <summary>
/// Writes the SQL of every query against the <c>spans</c> table, in the subset both engines share, with the
/// dialect filling in the rest. Filter values only ever become parameters.
/// </summary>
internal sealed class SpanSql(ISqlDialect dialect, StoreSchema schema)
{
    private const string ModelCalls = "s.llm_kind IN ('llm', 'embedding')";

    /// <summary>
    /// The attributes where services put the end user: OpenTelemetry's <c>user.id</c>, the older <c>enduser.id</c>, and
    /// <c>user.hash</c>, the keyed hash LlmObs's own services export instead of the id.
    /// </summary>
    private static readonly string[] UserKeys = ["user.id", "enduser.id", "user.hash"];

    /// <summary>
    /// The attributes a session id is recorded under, as the conventions' readers take it (Normalization/Conventions):
    /// <c>session.id</c> (OpenTelemetry, OpenInference, Langfuse), Langfuse's and OpenLLMetry's own keys, the Vercel AI
    /// SDK's metadata, and the GenAI conventions' <c>gen_ai.conversation.id</c> (a conversation, session or thread).
    /// </summary>
    internal static readonly string[] SessionKeys =
        ["session.id", "langfuse.session.id", "traceloop.association.properties.session_id", "ai.telemetry.metadata.sessionId", "gen_ai.conversation.id"];

    /// <summary>Resource attributes naming a project when the store has no <c>project</c> column.</summary>
    private static readonly string[] ProjectKeys = ["llmobs.project", "openinference.project.name"];

    private const string TtftKey = "gen_ai.response.time_to_first_chunk";

    /// <param name="filter">The filter.</param>
    /// <param name="page">The page.</param>
    /// <param name="only">
    /// When set, the traces of the page, already found (<see cref="RollupSql.NewestTraces"/>), with the earliest
    /// start among them: only their spans from then on are read, and the page is all of the rows.
    /// </param>
    public SqlStatement Traces(SpanFilter filter, PageRequest page, (IReadOnlyList<string> Ids, DateTime Since)? only = null)
    {
        var p = new SqlParameters(dialect);
        var d = dialect;
        var having = new List<string>();
        if (filter.Service is { } service) having.Add($"bool_or(s.service_name = {p.Add(service)})");
        if (filter.Project is { } project) having.Add($"bool_or({Project("s")} = {p.Add(project)})");
        if (filter.Feature is { } feature) having.Add($"bool_or(s.feature = {p.Add(feature)})");
        if (filter.User is { } user) having.Add($"bool_or({User("s")} = {p.Add(user)})");
        if (filter.Model is { } model) having.Add($"bool_or(s.model = {p.Add(model)})");
        if (filter.Provider is { } provider) having.Add($"bool_or(s.provider = {p.Add(provider)})");
        if (filter.Status == StatusFilter.Error) having.Add("bool_or(s.status_code = 2)");
        if (filter.Status == StatusFilter.Ok) having.Add("NOT bool_or(s.status_code = 2)");
        if (filter.MinCostUsd is { } minCost) having.Add($"coalesce(sum(s.cost_usd), 0) >= {p.Add(minCost)}");
        if (filter.MinLatencyMs is { } minLatency) having.Add($"{d.MillisecondsBetween("min(s.start_time)", "max(s.end_time)")} >= {p.Add(minLatency)}");
        if (filter.Text is { } text) having.Add($"bool_or({TextMatch("s", text, p)})");

        var root = "s.parent_span_id IS NULL";
        var sql = $"""
            SELECT s.trace_id,
                   coalesce({d.FirstBy("s.name", "s.start_time", root)}, {d.FirstBy("s.name", "s.start_time")}) AS root_name,
                   coalesce({d.FirstBy("s.service_name", "s.start_time", root)}, {d.FirstBy("s.service_name", "s.start_time")}) AS service_name,
                   min(s.start_time) AS start_time,
                   {d.MillisecondsBetween("min(s.start_time)", "max(s.end_time)")} AS duration_ms,
                   count(*) AS span_count,
                   {TraceTotals}
            FROM spans s
            WHERE {TimeRange(filter, p, "s")}{(filter.Session is { } session ? $" AND {dialect.InSubquery("s.trace_id", TracesInSession(filter, session, p, TimeSpan.Zero))}" : "")}{(only is var (ids, since) ? $" AND s.start_time >= {p.Add(AsUtc(since))} AND s.trace_id IN ({string.Join(", ", ids.Select(p.Add))})" : "")}
            GROUP BY s.trace_id
            {(having.Count == 0 ? "" : "HAVING " + string.Join(" AND ", having))}
            ORDER BY start_time DESC, s.trace_id
            {(only is null ? $"LIMIT {p.Add(page.SafeLimit + 1)} OFFSET {p.Add(page.SafeOffset)}" : "")}
            """;
        return new SqlStatement(sql, p.Values);
    }

    /// <summary>The totals of a trace over its spans <c>s</c>, as the traces list and the sessions list show them.</summary>
    private string TraceTotals => $"""
        count(*) FILTER (WHERE s.llm_kind = 'llm') AS llm_calls,
        coalesce(sum(s.input_tokens), 0)::BIGINT AS input_tokens, -- sum(BIGINT) is a HUGEINT in DuckDB
        coalesce(sum(s.output_tokens), 0)::BIGINT AS output_tokens,
        coalesce(sum(s.cache_read_tokens), 0)::BIGINT AS cache_read_tokens,
        coalesce(sum(s.cost_usd), 0) AS cost_usd,
        bool_or(s.status_code = 2) AS has_error,
        max({User("s")}) AS user_id
        """;

    /// <summary>
    /// Sessions of the period: a trace's session is the one its spans record in <c>session_id</c>, and a session's
    /// totals are its traces'.
    /// </summary>
    public SqlStatement Sessions(SpanFilter filter, PageRequest page)
    {
        var p = new SqlParameters(dialect);
        var period = TimeRange(filter, p, "s");
        var having = new List<string>();
        if (filter.Service is { } service) having.Add($"bool_or(s.service_name = {p.Add(service)})");
        if (filter.Project is { } project) having.Add($"bool_or({Project("s")} = {p.Add(project)})");
        var sql = $"""
            WITH trace_sessions AS (
                SELECT s.trace_id, max(s.session_id) AS session
                FROM spans s
                WHERE {period} AND s.session_id <> '' -- neither NULL nor empty
                GROUP BY s.trace_id
            ),
            traces AS (
                SELECT s.trace_id,
                       min(s.start_time) AS first_start,
                       max(s.end_time) AS last_end,
                       {TraceTotals}
                FROM spans s
                JOIN trace_sessions t ON t.trace_id = s.trace_id AND t.session <> '' -- neither NULL nor empty
                WHERE {period}
                GROUP BY s.trace_id
                {(having.Count == 0 ? "" : "HAVING " + string.Join(" AND ", having))}
            )
            SELECT t.session,
                   count(*) AS traces,
                   sum(x.llm_calls)::BIGINT AS llm_calls,
                   sum(x.input_tokens)::BIGINT AS input_tokens,
                   sum(x.output_tokens)::BIGINT AS output_tokens,
                   sum(x.cost_usd) AS cost_usd,
                   min(x.first_start) AS first_start,
                   max(x.last_end) AS last_end,
                   bool_or(x.has_error) AS has_error,
                   max(x.user_id) AS user_id
            FROM traces x
            JOIN trace_sessions t ON t.trace_id = x.trace_id
            GROUP BY t.session
            ORDER BY last_end DESC, t.session
            LIMIT {p.Add(page.SafeLimit + 1)} OFFSET {p.Add(page.SafeOffset)}
            """;
        return new SqlStatement(sql, p.Values);
    }

    public SqlStatement Calls(SpanFilter filter, PageRequest page)
    {
        var p = new SqlParameters(dialect);
        var sql = CallsPage(filter, p, "TRUE", "start_time DESC, span_id", p.Add(page.SafeLimit + 1), p.Add(page.SafeOffset));
        return new SqlStatement(sql, p.Values);
    }

    /// <param name="filter">The filter.</param>
    /// <param name="limit">How many calls.</param>
    /// <param name="within">When set, traces and a start range that hold every call of the answer (found from rollups), to read only those.</param>
    public SqlStatement TopCalls(SpanFilter filter, int limit, (IReadOnlyList<string> TraceIds, DateTime First, DateTime Last)? within = null)
    {
        var p = new SqlParameters(dialect);
        var condition = within is var (ids, first, last)
            ? $"cost_usd IS NOT NULL AND start_time >= {p.Add(AsUtc(first))} AND start_time <= {p.Add(AsUtc(last))} AND trace_id IN ({string.Join(", ", ids.Select(p.Add))})"
            : "cost_usd IS NOT NULL";
        var sql = CallsPage(filter, p, condition, "cost_usd DESC, span_id", p.Add(Math.Clamp(limit, 1, 100)), null);
        return new SqlStatement(sql, p.Values);
    }

    public SqlStatement CostPerDay(SpanFilter filter, CostDimension by)
    {
        var p = new SqlParameters(dialect);
        var sql = $"""
            {CallsCte(filter, p, NeedsFor(by))}
            SELECT date_trunc('day', start_time) AS day, {Dimension(by)} AS key, count(*) AS calls, coalesce(sum(cost_usd), 0) AS cost_usd
            FROM calls
            GROUP BY 1, 2
            ORDER BY 1, 4 DESC, 2
            """;
        return new SqlStatement(sql, p.Values);
    }

    public SqlStatement CostBy(SpanFilter filter, CostDimension by)
    {
        var p = new SqlParameters(dialect);
        var sql = $"""
            {CallsCte(filter, p, NeedsFor(by))}
            SELECT {Dimension(by)} AS key, count(*) AS calls,
                   coalesce(sum(input_tokens), 0)::BIGINT, coalesce(sum(output_tokens), 0)::BIGINT, coalesce(sum(cache_read_tokens), 0)::BIGINT,
                   coalesce(sum(cost_usd), 0) AS cost_usd
            FROM calls
            GROUP BY 1
            ORDER BY cost_usd DESC, 1
            """;
        return new SqlStatement(sql, p.Values);
    }

    public SqlStatement CostPerCall(SpanFilter filter)
    {
        var p = new SqlParameters(dialect);
        var sql = $"""
            {CallsCte(filter, p, Derived.None)}
            SELECT {PercentileColumns("cost_usd")}
            FROM calls
            WHERE cost_usd IS NOT NULL
            """;
        return new SqlStatement(sql, p.Values);
    }

    /// <summary>Cache hits are a chat matter: embeddings have no prompt cache and would only dilute the rate.</summary>
    public SqlStatement CacheHitRate(SpanFilter filter)
    {
        var p = new SqlParameters(dialect);
        var sql = $"""
            {CallsCte(filter, p, Derived.None)}
            SELECT GROUPING(model) = 1 AS is_total, model,
                   coalesce(sum(input_tokens), 0)::BIGINT, coalesce(sum(cache_read_tokens), 0)::BIGINT
            FROM calls
            WHERE llm_kind = 'llm'
            GROUP BY ROLLUP (model)
            ORDER BY 1 DESC, 4 DESC, 2
            """;
        return new SqlStatement(sql, p.Values);
    }

    public SqlStatement LatencyByModel(SpanFilter filter)
    {
        var p = new SqlParameters(dialect);
        var sql = $"""
            {CallsCte(filter, p, Derived.Ttft)}
            SELECT model, {PercentileColumns("duration_ms")}, {PercentileColumns("ttft_ms")}
            FROM calls
            WHERE llm_kind = 'llm'
            GROUP BY model
            ORDER BY count(*) DESC, model
            """;
        return new SqlStatement(sql, p.Values);
    }

    public SqlStatement Latency(SpanFilter filter)
    {
        var p = new SqlParameters(dialect);
        var sql = $"""
            {CallsCte(filter, p, Derived.None)}
            SELECT {PercentileColumns("duration_ms")}
            FROM calls
            WHERE llm_kind = 'llm'
            """;
        return new SqlStatement(sql, p.Values);
    }

    public SqlStatement ErrorRate(SpanFilter filter)
    {
        var p = new SqlParameters(dialect);
        var sql = $"""
            {CallsCte(filter, p, Derived.None)}
            SELECT GROUPING(model) = 1 AS is_total, model, count(*), count(*) FILTER (WHERE status_code = 2)
            FROM calls
            GROUP BY ROLLUP (model)
            ORDER BY 1 DESC, 3 DESC, 2
            """;
        return new SqlStatement(sql, p.Values);
    }

    public SqlStatement TokensOverTime(SpanFilter filter, TimeBucket bucket)
    {
        var p = new SqlParameters(dialect);
        var unit = bucket == TimeBucket.Hour ? "hour" : "day";
        var sql = $"""
            {CallsCte(filter, p, Derived.None)}
            SELECT date_trunc('{unit}', start_time) AS bucket, count(*),
                   coalesce(sum(input_tokens), 0)::BIGINT, coalesce(sum(output_tokens), 0)::BIGINT, coalesce(sum(cache_read_tokens), 0)::BIGINT,
                   coalesce(sum(cost_usd), 0)
            FROM calls
            GROUP BY 1
            ORDER BY 1
            """;
        return new SqlStatement(sql, p.Values);
    }

    /// <summary>Distinct values of one column in the period (<paramref name="column"/> is one of ours, never input).</summary>
    public SqlStatement Distinct(SpanFilter filter, string column, bool modelCallsOnly)
    {
        var p = new SqlParameters(dialect);
        var sql = $"""
            SELECT DISTINCT s.{column}
            FROM spans s
            WHERE {TimeRange(filter, p, "s")} AND s.{column} IS NOT NULL {(modelCallsOnly ? "AND " + ModelCalls : "")}
            ORDER BY 1
            LIMIT 200
            """;
        return new SqlStatement(sql, p.Values);
    }

    public const string CallColumns = """
        trace_id, span_id, name, service_name, start_time, duration_ms, status_code, llm_kind, operation, provider, model, feature,
        user_id, project, input_tokens, output_tokens, cache_read_tokens, cost_usd, ttft_ms
        """;

    /// <summary>Columns of a call that are read out of the attributes JSON, so each query computes only those it uses.</summary>
    [Flags]
    private enum Derived
    {
        None = 0,
        User = 1,
        Ttft = 2,
        Project = 4,
        All = User | Ttft | Project,
    }

    private static Derived NeedsFor(CostDimension by) => by == CostDimension.User ? Derived.User : Derived.None;

    /// <summary>
    /// How far, before and after the period, another span of a call's trace may start and still give the call its
    /// user: bounding that look-up keeps it to the period's rows instead of the whole store.
    /// </summary>
    internal static readonly TimeSpan TraceUserMargin = TimeSpan.FromDays(1);

    /// <summary>
    /// The model calls that pass the filter, as CTE <c>calls</c>. A call's user is its own user attribute or,
    /// when it has none, the one on another span of its trace: services usually tag the incoming request, not the
    /// model call. Columns read from JSON (user, project, time to first token) are computed only when
    /// <paramref name="derived"/> asks for them and are NULL otherwise: parsing every call's attributes is what
    /// makes an aggregate over millions of calls slow.
    /// </summary>
    private string CallsCte(SpanFilter filter, SqlParameters p, Derived derived)
    {
        if (filter.User is not null)
        {
            derived |= Derived.User;
        }

        var userFilter = filter.User is { } user ? $"WHERE coalesce(scoped.own_user, trace_users.user_id) = {p.Add(user)}" : "";
        var where = CallsWhere(filter, p);
        var withUser = derived.HasFlag(Derived.User);
        var project = derived.HasFlag(Derived.Project) ? Project("s") : Null("text");
        var ownUser = withUser ? User("s") : Null("text");
        var ttft = derived.HasFlag(Derived.Ttft) ? Ttft("s") : Null("double precision");
        var traceUsers = withUser ? $",\ntrace_users AS (\n{TraceUsers(filter, p, null)}\n)" : "";
        var userId = withUser ? "coalesce(scoped.own_user, trace_users.user_id)" : Null("text");
        var join = withUser ? "LEFT JOIN trace_users ON trace_users.trace_id = scoped.trace_id" : "";
        return $"""
            WITH scoped AS (
                SELECT {BaseCallColumns("s")},
                       {project} AS project,
                       {ownUser} AS own_user,
                       {ttft} AS ttft_ms
                FROM spans s
                WHERE {where}
            ){traceUsers},
            calls AS (
                SELECT scoped.*, {userId} AS user_id
                FROM scoped {join}
                {userFilter}
            )
            """;
    }

    /// <summary>
    /// One page of calls in <paramref name="order"/>. Without a user filter the page is cut from the plain columns
    /// first and only its rows have their JSON read and their trace's user looked up. <paramref name="condition"/>
    /// and <paramref name="order"/> name columns of <c>spans</c> unqualified, which also names them in <c>calls</c>.
    /// </summary>
    private string CallsPage(SpanFilter filter, SqlParameters p, string condition, string order, string limit, string? offset)
    {
        var paging = $"ORDER BY {order} LIMIT {limit}{(offset is null ? "" : " OFFSET " + offset)}";
        if (filter.User is not null)
        {
            return $"""
                {CallsCte(filter, p, Derived.All)}
                SELECT {CallColumns}
                FROM calls
                WHERE {condition}
                {paging}
                """;
        }

        var where = CallsWhere(filter, p);
        return $"""
            WITH page AS (
                SELECT {BaseCallColumns("s")}, {(schema.HasQueryColumns ? "s.user_id, s.ttft_ms" : "s.attributes")}{(schema.HasProjectColumn ? ", s.project" : ", s.resource")}
                FROM spans s
                WHERE {where} AND {condition}
                {paging}
            ),
            trace_users AS (
                {TraceUsers(filter, p, "page")}
            ),
            calls AS (
                SELECT {BaseCallColumns("page")}, {Project("page")} AS project,
                       coalesce({User("page")}, trace_users.user_id) AS user_id, {Ttft("page")} AS ttft_ms
                FROM page LEFT JOIN trace_users ON trace_users.trace_id = page.trace_id
            )
            SELECT {CallColumns}
            FROM calls
            ORDER BY {order}
            """;
    }

    private string CallsWhere(SpanFilter filter, SqlParameters p)
    {
        var where = new StringBuilder(ModelCalls);
        where.Append(" AND ").Append(TimeRange(filter, p, "s"));
        if (filter.Service is { } service) where.Append($" AND s.service_name = {p.Add(service)}");
        if (filter.Project is { } project) where.Append($" AND {Project("s")} = {p.Add(project)}");
        if (filter.Feature is { } feature) where.Append($" AND s.feature = {p.Add(feature)}");
        if (filter.Model is { } model) where.Append($" AND s.model = {p.Add(model)}");
        if (filter.Provider is { } provider) where.Append($" AND s.provider = {p.Add(provider)}");
        if (filter.Status == StatusFilter.Error) where.Append(" AND s.status_code = 2");
        if (filter.Status == StatusFilter.Ok) where.Append(" AND s.status_code <> 2");
        if (filter.MinCostUsd is { } minCost) where.Append($" AND s.cost_usd >= {p.Add(minCost)}");
        if (filter.MinLatencyMs is { } minLatency) where.Append($" AND s.duration_ms >= {p.Add(minLatency)}");
        if (filter.Text is { } text) where.Append($" AND {TextMatch("s", text, p)}");
        if (filter.Session is { } session) where.Append($" AND {dialect.InSubquery("s.trace_id", TracesInSession(filter, session, p, TraceUserMargin))}");
        return where.ToString();
    }

    /// <summary>
    /// The traces with a span in the session among the spans within <paramref name="margin"/> of the period: none for
    /// the traces list, whose other filters also look at the period's spans only; a day for calls, as a trace's user.
    /// Selecting the traces first keeps the list from grouping every span of the period by trace.
    /// </summary>
    private string TracesInSession(SpanFilter filter, string session, SqlParameters p, TimeSpan margin)
    {
        var bounds = new List<string> { $"x.session_id = {p.Add(session)}" };
        if (filter.From is { } from) bounds.Add($"x.start_time >= {p.Add(AsUtc(from) - margin)}");
        if (filter.To is { } to) bounds.Add($"x.start_time < {p.Add(AsUtc(to) + margin)}");
        return $"SELECT x.trace_id FROM spans x WHERE {string.Join(" AND ", bounds)}";
    }

    /// <summary>
    /// The user of each trace from any of its spans, looked for among spans that start within
    /// <see cref="TraceUserMargin"/> of the period (zone maps skip the rest), and, when <paramref name="only"/>
    /// names a CTE, only in its traces.
    /// </summary>
    private string TraceUsers(SpanFilter filter, SqlParameters p, string? only)
    {
        var bounds = new List<string>();
        if (filter.From is { } from) bounds.Add($"u.start_time >= {p.Add(AsUtc(from) - TraceUserMargin)}");
        if (filter.To is { } to) bounds.Add($"u.start_time < {p.Add(AsUtc(to) + TraceUserMargin)}");
        if (only is not null) bounds.Add($"u.trace_id IN (SELECT trace_id FROM {only})");
        bounds.Add(schema.HasQueryColumns ? "u.user_id IS NOT NULL" : $"{dialect.AsText("u.attributes")} LIKE '%user.id%'");
        return $"""
            SELECT u.trace_id, max({User("u")}) AS user_id
            FROM spans u
            WHERE {string.Join(" AND ", bounds)}
            GROUP BY u.trace_id
            """;
    }

    private static string BaseCallColumns(string alias) => string.Join(", ", new[]
    {
        "trace_id", "span_id", "name", "service_name", "start_time", "duration_ms", "status_code", "llm_kind", "operation", "provider", "model",
        "feature", "input_tokens", "output_tokens", "cache_read_tokens", "cost_usd",
    }.Select(c => alias + "." + c));

    private string Ttft(string alias) => schema.HasQueryColumns ? $"{alias}.ttft_ms" : TtftExpression(dialect, alias + ".attributes");

    private static string Null(string type) => $"CAST(NULL AS {type})";

    /// <summary>The text in any of the forms it is stored in (see <see cref="SearchNeedles"/>); each form is a parameter.</summary>
    /// <remarks>
    /// Large values (prompts, completions) live in the content table, one row per value and day: a span matches
    /// when one of the values its <c>content_refs</c> names contains the text.
    /// </remarks>
    private string TextMatch(string alias, string text, SqlParameters p)
    {
        var needles = SearchNeedles.For(text).Select(p.Add).ToList();
        var inAttributes = needles.Select(needle => dialect.ContainsIgnoreCase(dialect.AsText(alias + ".attributes"), needle));
        var inContent = needles.Select(needle => dialect.ContainsIgnoreCase("c.text", needle));
        return $"""
            ({string.Join(" OR ", inAttributes)}
             OR ({alias}.content_refs IS NOT NULL AND EXISTS (
                 SELECT 1 FROM content c
                 WHERE c.day = CAST({alias}.start_time AS DATE)
                   AND position({dialect.HashHex("c.hash")} IN {alias}.content_refs) > 0
                   AND ({string.Join(" OR ", inContent)}))))
            """;
    }

    private string PercentileColumns(string column) =>
        $"count({column}), {dialect.Percentile(column, 0.5)}, {dialect.Percentile(column, 0.95)}, {dialect.Percentile(column, 0.99)}, max({column}), avg({column})";

    private string TimeRange(SpanFilter filter, SqlParameters p, string alias)
    {
        var clauses = new List<string> { "TRUE" };
        if (filter.From is { } from) clauses.Add($"{alias}.start_time >= {p.Add(AsUtc(from))}");
        if (filter.To is { } to) clauses.Add($"{alias}.start_time < {p.Add(AsUtc(to))}");
        return string.Join(" AND ", clauses);
    }

    private string User(string alias) => schema.HasQueryColumns ? $"{alias}.user_id" : UserExpression(dialect, alias + ".attributes");

    /// <summary>
    /// The user of a span read from its attributes JSON: what the <c>user_id</c> column holds, filled once at write
    /// time (and by the migration that added it) so no query parses JSON per row.
    /// </summary>
    public static string UserExpression(ISqlDialect dialect, string attributes) =>
        $"coalesce({string.Join(", ", UserKeys.Select(k => dialect.JsonText(attributes, k)))})";

    /// <summary>Time to first token in milliseconds from the attributes JSON: what the <c>ttft_ms</c> column holds.</summary>
    public static string TtftExpression(ISqlDialect dialect, string attributes) => $"({dialect.JsonNumber(attributes, TtftKey)} * 1000.0)";

    /// <summary>The session from the attributes JSON: the first of <see cref="SessionKeys"/> the span has, as the <c>session_id</c> column holds.</summary>
    private static string SessionExpression(ISqlDialect dialect, string attributes) =>
        $"coalesce({string.Join(", ", SessionKeys.Select(k => dialect.JsonText(attributes, k)))})";

    /// <summary>
    /// The values of the <c>user_id</c>, <c>ttft_ms</c> and <c>session_id</c> columns for a row whose attributes are
    /// <paramref name="attributes"/>; the JSON is parsed only when it mentions a key.
    /// </summary>
    public static (string UserId, string TtftMs, string SessionId) QueryColumnExpressions(ISqlDialect dialect, string attributes) => (
        $"CASE WHEN {dialect.ContainsText(attributes, "user.id")} OR {dialect.ContainsText(attributes, "user.hash")} THEN {UserExpression(dialect, attributes)} END",
        $"CASE WHEN {dialect.ContainsText(attributes, "time_to_first_chunk")} THEN {TtftExpression(dialect, attributes)} END",
        $"CASE WHEN {SessionMentioned(dialect, attributes)} THEN {SessionExpression(dialect, attributes)} END");

    // Every session key contains one of these (sessionId, session_id, session.id; gen_ai.conversation.id).
    private static string SessionMentioned(ISqlDialect dialect, string attributes) =>
        $"({dialect.ContainsText(attributes, "session")} OR {dialect.ContainsText(attributes, "conversation.id")})";

    private string Project(string alias) => schema.HasProjectColumn
        ? $"{alias}.project"
        : $"coalesce({string.Join(", ", ProjectKeys.Select(k => dialect.JsonText(alias + ".resource", k)))})";

    private static string Dimension(CostDimension by) => by switch
    {
        CostDimension.Feature => "feature",
        CostDimension.User => "user_id",
        CostDimension.Model => "model",
        _ => throw new ArgumentOutOfRangeException(nameof(by)),
    };

    private static DateTime AsUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };
}

/// <summary>
/// What the query builder needs to know about the store's table, read once from the database.
/// <paramref name="HasQueryColumns"/>: the table has <c>user_id</c> and <c>ttft_ms</c>, extracted from the attributes at write time.
/// (<c>session_id</c>, added by the same stores' migration 13, is read as it is: no store queried lacks it.)
/// </summary>
internal sealed record StoreSchema(bool HasProjectColumn, bool HasQueryColumns = false);
