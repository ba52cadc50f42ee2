using System.Text;
using LlmObs.Server.Annotations.Quality;
using LlmObs.Server.Query;
using LlmObs.Server.Query.Sql;

namespace LlmObs.Server.Annotations.Store;

/// <summary>
/// The SQL of the annotation store, in the subset DuckDB and PostgreSQL share (ON CONFLICT … DO UPDATE, RETURNING,
/// FILTER, date_trunc). Every value is a parameter; only column and unit names of our own are ever spliced in.
/// </summary>
internal sealed class AnnotationSql(ISqlDialect dialect)
{
    public const string Columns = "id, trace_id, span_id, name, score, label, explanation, source, identifier, metadata, created_at, updated_at";

    public string Upsert(SqlParameters p, AnnotationRow row) => $"""
        INSERT INTO annotations (id, target_kind, target_id, trace_id, span_id, name, score, label, explanation, source, identifier, metadata, created_at, updated_at)
        VALUES ({p.Add(row.Id)}, {p.Add(row.TargetKind)}, {p.Add(row.TargetId)}, {p.Add(row.TraceId)}, {Nullable(p, row.SpanId)}, {p.Add(row.Name)},
                {Nullable(p, row.Score)}, {Nullable(p, row.Label)}, {Nullable(p, row.Explanation)}, {p.Add(row.Source)}, {p.Add(row.Identifier)},
                {Nullable(p, row.Metadata)}, {p.Add(row.At)}, {p.Add(row.At)})
        ON CONFLICT (target_kind, target_id, name, identifier) DO UPDATE SET
            trace_id = CASE WHEN excluded.trace_id <> '' THEN excluded.trace_id ELSE annotations.trace_id END,
            score = excluded.score,
            label = excluded.label,
            explanation = excluded.explanation,
            source = excluded.source,
            metadata = excluded.metadata,
            updated_at = excluded.updated_at
        RETURNING id
        """;

    public SqlStatement Get(string id)
    {
        var p = new SqlParameters(dialect);
        return new($"SELECT {Columns} FROM annotations WHERE id = {p.Add(id)}", p.Values);
    }

    public SqlStatement Delete(string id)
    {
        var p = new SqlParameters(dialect);
        return new($"DELETE FROM annotations WHERE id = {p.Add(id)}", p.Values);
    }

    public SqlStatement List(AnnotationQuery query, PageRequest page)
    {
        var p = new SqlParameters(dialect);
        var where = new List<string> { "TRUE" };
        if (query.TraceId is { } trace)
        {
            // Phoenix sends span ids alone: such annotations belong to the trace their span is in.
            var t = p.Add(trace);
            where.Add($"(a.trace_id = {t} OR (a.trace_id = '' AND a.span_id IN (SELECT s.span_id FROM spans s WHERE s.trace_id = {t})))");
        }

        if (query.SpanId is { } span) where.Add($"a.span_id = {p.Add(span)}");
        if (query.Name is { } name) where.Add($"a.name = {p.Add(name)}");
        if (query.Source is { } source) where.Add($"a.source = {p.Add(source)}");
        var sql = $"""
            SELECT {Columns}
            FROM annotations a
            WHERE {string.Join(" AND ", where)}
            ORDER BY a.updated_at DESC, a.id
            LIMIT {p.Add(page.SafeLimit + 1)} OFFSET {p.Add(page.SafeOffset)}
            """;
        return new(sql, p.Values);
    }

    public SqlStatement Names() => new("""
        SELECT name, count(*), count(score), avg(score), min(score), max(score)
        FROM annotations
        GROUP BY name
        ORDER BY count(*) DESC, name
        LIMIT 200
        """, []);

    public SqlStatement CostPerQuality(QualityFilter filter, QualityDimension by)
    {
        var p = new SqlParameters(dialect);
        var sql = $"""
            {ScoredCalls(filter, p)}
            SELECT {Dimension(by)} AS key, count(*), coalesce(sum(cost_usd), 0), count(score), avg(score), min(score), max(score)
            FROM scored
            GROUP BY 1
            ORDER BY 1
            """;
        return new(sql, p.Values);
    }

    public SqlStatement QualityOverTime(QualityFilter filter, TimeBucket bucket, QualityDimension? by)
    {
        var p = new SqlParameters(dialect);
        var unit = bucket == TimeBucket.Hour ? "hour" : "day";
        var key = by is { } dimension ? Dimension(dimension) : "CAST(NULL AS VARCHAR)";
        var sql = $"""
            {ScoredCalls(filter, p)}
            SELECT date_trunc('{unit}', start_time) AS bucket, {key} AS key, count(*), count(score), avg(score), coalesce(sum(cost_usd), 0)
            FROM scored
            GROUP BY 1, 2
            ORDER BY 1, 2
            """;
        return new(sql, p.Values);
    }

    public SqlStatement Unevaluated(CandidateQuery query)
    {
        var p = new SqlParameters(dialect);
        var where = new StringBuilder("s.llm_kind = 'llm' AND s.status_code <> 2");
        if (query.From is { } from) where.Append($" AND s.start_time >= {p.Add(Utc(from))}");
        if (query.To is { } to) where.Append($" AND s.start_time < {p.Add(Utc(to))}");
        if (query.Feature is { } feature) where.Append($" AND s.feature = {p.Add(feature)}");
        if (query.ExcludeFeature is { } excluded) where.Append($" AND coalesce(s.feature, '') <> {p.Add(excluded)}");
        if (query.Model is { } model) where.Append($" AND s.model = {p.Add(model)}");
        var names = string.Join(", ", query.Names.Select(n => p.Add(n)));
        var sql = $"""
            SELECT s.trace_id, s.span_id, s.start_time, s.feature, s.model, s.cost_usd
            FROM spans s
            WHERE {where}
              AND (SELECT count(DISTINCT a.name) FROM annotations a
                   WHERE a.target_kind = 'span' AND a.target_id = s.span_id AND a.name IN ({names})) < {p.Add(query.Names.Count)}
            ORDER BY s.start_time, s.span_id
            LIMIT {p.Add(Math.Clamp(query.Limit, 1, 1000))}
            """;
        return new(sql, p.Values);
    }

    /// <summary>
    /// CTE <c>scored</c>: the chat calls that pass the filter, each with its score for the name (its span's
    /// annotations, else its trace's), or NULL when nobody scored it.
    /// </summary>
    private string ScoredCalls(QualityFilter filter, SqlParameters p)
    {
        var where = new StringBuilder("s.llm_kind = 'llm'");
        if (filter.From is { } from) where.Append($" AND s.start_time >= {p.Add(Utc(from))}");
        if (filter.To is { } to) where.Append($" AND s.start_time < {p.Add(Utc(to))}");
        if (filter.Feature is { } feature) where.Append($" AND s.feature = {p.Add(feature)}");
        if (filter.Model is { } model) where.Append($" AND s.model = {p.Add(model)}");
        if (filter.Service is { } service) where.Append($" AND s.service_name = {p.Add(service)}");
        var name = p.Add(filter.Name);
        return $"""
            WITH calls AS (
                SELECT s.trace_id, s.span_id, s.start_time, s.feature, s.model, s.cost_usd
                FROM spans s
                WHERE {where}
            ),
            span_scores AS (
                SELECT a.target_id AS span_id, avg(a.score) AS score
                FROM annotations a
                WHERE a.target_kind = 'span' AND a.name = {name} AND a.score IS NOT NULL
                  AND a.target_id IN (SELECT span_id FROM calls)
                GROUP BY a.target_id
            ),
            trace_scores AS (
                SELECT a.target_id AS trace_id, avg(a.score) AS score
                FROM annotations a
                WHERE a.target_kind = 'trace' AND a.name = {name} AND a.score IS NOT NULL
                  AND a.target_id IN (SELECT trace_id FROM calls)
                GROUP BY a.target_id
            ),
            scored AS (
                SELECT calls.*, coalesce(span_scores.score, trace_scores.score) AS score
                FROM calls
                LEFT JOIN span_scores ON span_scores.span_id = calls.span_id
                LEFT JOIN trace_scores ON trace_scores.trace_id = calls.trace_id
            )
            """;
    }

    private static string Dimension(QualityDimension by) => by switch
    {
        QualityDimension.Feature => "feature",
        QualityDimension.Model => "model",
        _ => throw new ArgumentOutOfRangeException(nameof(by)),
    };

    private static string Nullable(SqlParameters p, object? value) => value is null ? "NULL" : p.Add(value);

    private static DateTime Utc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };
}

/// <summary>One row to upsert, with the key columns worked out.</summary>
internal sealed record AnnotationRow(
    string Id, string TargetKind, string TargetId, string TraceId, string? SpanId, string Name, double? Score, string? Label,
    string? Explanation, string Source, string Identifier, string? Metadata, DateTime At);
