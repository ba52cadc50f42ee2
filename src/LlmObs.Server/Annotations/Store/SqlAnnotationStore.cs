using System.Data.Common;
using System.Globalization;
using LlmObs.Server.Annotations.Model;
using LlmObs.Server.Annotations.Quality;
using LlmObs.Server.Query;
using LlmObs.Server.Query.Sql;

namespace LlmObs.Server.Annotations.Store;

/// <summary>Runs <see cref="AnnotationSql"/> on the configured engine and reads the rows back.</summary>
internal sealed class SqlAnnotationStore(IAnnotationDatabase database, TimeProvider time) : IAnnotationStore
{
    private readonly AnnotationSql _sql = new(database.Dialect);

    public async Task<IReadOnlyList<UpsertResult>> UpsertAsync(IReadOnlyList<AnnotationDraft> drafts, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow().UtcDateTime;
        at = new DateTime(at.Ticks - at.Ticks % 10, DateTimeKind.Utc); // both engines keep microseconds
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<UpsertResult>(drafts.Count);
        foreach (var draft in drafts)
        {
            var newId = Guid.NewGuid().ToString("N");
            var (kind, target) = draft.Target;
            var row = new AnnotationRow(newId, kind, target, draft.TraceId, draft.SpanId, draft.Name, draft.Score, draft.Label,
                draft.Explanation, draft.Source, draft.Identifier, draft.Metadata, at);
            var p = new SqlParameters(database.Dialect);
            var text = _sql.Upsert(p, row);
            await using var command = Command(connection, new SqlStatement(text, p.Values));
            command.Transaction = transaction;
            var id = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            results.Add(new UpsertResult(id, id == newId));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return results;
    }

    public async Task<Annotation?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await ReadAsync(_sql.Get(id), ReadAnnotation, cancellationToken)).SingleOrDefault();

    public async Task<Page<Annotation>> ListAsync(AnnotationQuery query, PageRequest page, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync(_sql.List(query, page), ReadAnnotation, cancellationToken);
        var more = rows.Count > page.SafeLimit;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        return new Page<Annotation>(rows, page.SafeOffset, page.SafeLimit, more ? page.SafeOffset + page.SafeLimit : null);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, _sql.Delete(id));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<IReadOnlyList<AnnotationName>> NamesAsync(CancellationToken cancellationToken) =>
        await ReadAsync(_sql.Names(), r => new AnnotationName(
            r.GetString(0), Long(r, 1), Long(r, 2), Double(r, 3), Double(r, 4), Double(r, 5)), cancellationToken);

    public async Task<IReadOnlyList<CostPerQuality>> CostPerQualityAsync(QualityFilter filter, QualityDimension by, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync(_sql.CostPerQuality(filter, by), r =>
        {
            var calls = Long(r, 1);
            var cost = Double(r, 2) ?? 0;
            var mean = Double(r, 4);
            double? perCall = calls > 0 ? cost / calls : null;
            // A mean of zero has no finite cost per quality: every dollar bought nothing.
            double? perQuality = perCall is { } c && mean is > 0 ? c / mean.Value : null;
            return new CostPerQuality(String(r, 0), calls, cost, Long(r, 3), mean, Double(r, 5), Double(r, 6), perCall, perQuality);
        }, cancellationToken);

        // Worst first: the question is "where does quality cost the most?"; groups nobody scored go last.
        return rows.OrderBy(r => r.CostPerQualityUsd is null)
            .ThenByDescending(r => r.CostPerQualityUsd)
            .ThenByDescending(r => r.Calls)
            .ToList();
    }

    public async Task<IReadOnlyList<QualityBucket>> QualityOverTimeAsync(
        QualityFilter filter, TimeBucket bucket, QualityDimension? by, CancellationToken cancellationToken) =>
        await ReadAsync(_sql.QualityOverTime(filter, bucket, by), r => new QualityBucket(
            Utc(r, 0), String(r, 1), Long(r, 2), Long(r, 3), Double(r, 4), Double(r, 5) ?? 0), cancellationToken);

    public async Task<IReadOnlyList<EvaluationCandidate>> UnevaluatedAsync(CandidateQuery query, CancellationToken cancellationToken) =>
        await ReadAsync(_sql.Unevaluated(query), r => new EvaluationCandidate(
            r.GetString(0), r.GetString(1), Utc(r, 2), String(r, 3), String(r, 4), Double(r, 5)), cancellationToken);

    private async Task<List<T>> ReadAsync<T>(SqlStatement statement, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, statement);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private DbCommand Command(DbConnection connection, SqlStatement statement)
    {
        var command = connection.CreateCommand();
        command.CommandText = statement.Text;
        foreach (var (name, value) in statement.Parameters)
        {
            command.Parameters.Add(database.Parameter(name, value));
        }

        return command;
    }

    private static Annotation ReadAnnotation(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), String(r, 2), r.GetString(3), Double(r, 4), String(r, 5), String(r, 6),
        r.GetString(7), r.GetString(8), String(r, 9), Utc(r, 10), Utc(r, 11));

    private static string? String(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    // Counts and sums come back as HUGEINT, numeric or bigint depending on the engine: convert, don't cast.
    private static long Long(DbDataReader r, int i) => r.IsDBNull(i) ? 0 : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    private static double? Double(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToDouble(r.GetValue(i), CultureInfo.InvariantCulture);

    private static DateTime Utc(DbDataReader r, int i) => r.GetValue(i) switch
    {
        DateTimeOffset offset => offset.UtcDateTime,
        DateTime t => t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc),
        var other => throw new InvalidCastException($"Column {i} is a {other.GetType().Name}, not a timestamp."),
    };
}
