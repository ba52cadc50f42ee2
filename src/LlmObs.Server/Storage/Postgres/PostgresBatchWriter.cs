using LlmObs.Server.Storage.Content;
using LlmObs.Server.Storage.Rollups;
using Npgsql;
using NpgsqlTypes;

namespace LlmObs.Server.Storage.Postgres;

/// <summary>
/// Writes one batch per transaction over its own long-lived connection. Spans and content values not seen lately go
/// by binary COPY straight into <c>spans</c> and <c>content</c> under a savepoint; if one of them is stored already (a
/// span retried after a 503 or a timeout, a value another writer stored) the primary key stops the COPY, and the batch
/// goes the careful way instead: COPY into session temp tables, then <c>INSERT … SELECT … ON CONFLICT DO NOTHING</c>, so
/// it is stored (and counted) once. Values known to be stored (<paramref name="knownContent"/>: a system prompt sent all day)
/// always go the careful way. The connection is kept so the temp tables are made once, and dropped on any error so the
/// next batch starts on a fresh one (after a PostgreSQL restart, say).
/// </summary>
/// <param name="knownContent">
/// The content values the writers stored lately, shared by them (lock it). Only a hint here: the primary keys keep every
/// row once whatever it says, so a value deleted since (retention, clear) just takes the careful way.
/// </param>
internal sealed class PostgresBatchWriter(NpgsqlDataSource dataSource, PostgresPartitions partitions, KnownContent knownContent) : IAsyncDisposable
{
    // The columns this writer fills, in COPY order; a column added by a later migration is left to its default.
    internal const string SpanColumns = """
        trace_id, span_id, parent_span_id, name, kind, service_name, scope_name, start_time, end_time, duration_ms,
        status_code, status_message, llm_kind, operation, provider, model, input_tokens, output_tokens, cache_read_tokens,
        cache_write_tokens, reasoning_tokens, cost_usd, cost_source, feature, attributes, resource, events, content_refs, project
        """;

    private NpgsqlConnection? _connection;

    public async Task WriteAsync(IReadOnlyList<SplitSpan> spans)
    {
        // A retry can arrive while the first attempt still waits in the queue: keep one of them.
        var rows = new List<SplitSpan>(spans.Count);
        var seen = new HashSet<(string, string)>();
        foreach (var row in spans)
        {
            if (seen.Add((row.Span.TraceId, row.Span.SpanId)))
            {
                rows.Add(row);
            }
        }

        await partitions.EnsureAsync(rows.Select(r => LargeValueSplitter.DayOf(r.Span.StartTime)), CancellationToken.None).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteOnceAsync(rows).ConfigureAwait(false);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 3)
            {
                // Cannot happen between LlmObs writers (they insert in key order), but another client of the database might.
                await DropConnectionAsync().ConfigureAwait(false);
            }
            catch
            {
                await DropConnectionAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    private async Task WriteOnceAsync(List<SplitSpan> rows)
    {
        var connection = _connection ??= await OpenAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);

        // In key order: two writers inserting the same keys (a retry racing its original, one prompt in two
        // batches) then wait on each other in the same order instead of deadlocking.
        rows.Sort(KeyOrder);
        var direct = rows.Where(r => r.QueryColumns is not null).ToList();
        var staged = rows.Where(r => r.QueryColumns is null).ToList();
        var blobs = UniqueBlobs(rows);
        var (directBlobs, stagedBlobs) = (new List<ContentBlob>(blobs.Count), new List<ContentBlob>());
        lock (knownContent)
        {
            foreach (var blob in blobs)
            {
                (knownContent.Contains(blob.Day, blob.Hash) ? stagedBlobs : directBlobs).Add(blob);
            }
        }

        if (direct.Count > 0 || directBlobs.Count > 0)
        {
            await transaction.SaveAsync("direct").ConfigureAwait(false);
            try
            {
                if (direct.Count > 0)
                {
                    await CopySpansAsync(connection, "spans", direct, withQueryColumns: true).ConfigureAwait(false);
                }

                if (directBlobs.Count > 0)
                {
                    await CopyContentAsync(connection, "content", directBlobs).ConfigureAwait(false);
                }

                await transaction.ReleaseAsync("direct").ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // Some span or value of the batch is stored already: all of them take the ON CONFLICT path below.
                await transaction.RollbackAsync("direct").ConfigureAwait(false);
                staged = rows;
                stagedBlobs = blobs;
            }
        }

        if (staged.Count > 0)
        {
            await CopySpansAsync(connection, "spans_staging", staged, withQueryColumns: false).ConfigureAwait(false);
            await PostgresSchema.ExecuteAsync(connection,
                $"""
                INSERT INTO spans ({SpanColumns}, user_id, ttft_ms, session_id)
                SELECT {SpanColumns}, {PostgresSchema.QueryColumns.UserId}, {PostgresSchema.QueryColumns.TtftMs}, {PostgresSchema.QueryColumns.SessionId}
                FROM spans_staging ORDER BY trace_id, span_id, start_time ON CONFLICT DO NOTHING
                """,
                CancellationToken.None).ConfigureAwait(false);
        }

        if (stagedBlobs.Count > 0)
        {
            await CopyContentAsync(connection, "content_staging", stagedBlobs).ConfigureAwait(false);
            await PostgresSchema.ExecuteAsync(connection,
                "INSERT INTO content (day, hash, length, data, text) SELECT day, hash, length, data, text FROM content_staging ORDER BY day, hash ON CONFLICT DO NOTHING",
                CancellationToken.None).ConfigureAwait(false);
        }

        if (RollupTables.TouchesClosedHours(rows.Min(r => r.Span.StartTime), DateTime.UtcNow))
        {
            // Hours that may be rolled up already: marked dirty with the spans, so the rollups are redone (Storage/Rollups).
            var currentHour = RollupTables.HourOf(DateTime.UtcNow);
            await using var mark = new NpgsqlCommand("INSERT INTO rollup_dirty (hour) SELECT unnest(@hours)", connection);
            mark.Parameters.Add(new NpgsqlParameter("hours", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
            {
                Value = RollupTables.HoursOf(rows.Select(r => r.Span.StartTime).Where(start => start < currentHour)).ToArray(),
            });
            await mark.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        // synchronous_commit: the commit returns once the WAL is flushed; only then is the batch acknowledged.
        await transaction.CommitAsync().ConfigureAwait(false);
        lock (knownContent)
        {
            foreach (var blob in blobs)
            {
                knownContent.Add(blob.Day, blob.Hash);
            }
        }
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        try
        {
            // ON COMMIT DELETE ROWS empties them at every commit (and a rollback takes their rows with it).
            await PostgresSchema.ExecuteAsync(connection, $"""
                CREATE TEMP TABLE IF NOT EXISTS spans_staging ON COMMIT DELETE ROWS AS SELECT {SpanColumns} FROM spans WITH NO DATA;
                CREATE TEMP TABLE IF NOT EXISTS content_staging ON COMMIT DELETE ROWS AS SELECT day, hash, length, data, text FROM content WITH NO DATA;
                """, CancellationToken.None).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static readonly Comparison<SplitSpan> KeyOrder = (a, b) =>
        string.CompareOrdinal(a.Span.TraceId, b.Span.TraceId) is var byTrace and not 0 ? byTrace
        : string.CompareOrdinal(a.Span.SpanId, b.Span.SpanId) is var bySpan and not 0 ? bySpan
        : a.Span.StartTime.CompareTo(b.Span.StartTime);

    private static async Task CopySpansAsync(NpgsqlConnection connection, string table, List<SplitSpan> rows, bool withQueryColumns)
    {
        var columns = withQueryColumns ? SpanColumns + ", user_id, ttft_ms, session_id" : SpanColumns;
        await using var copy = await connection.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)").ConfigureAwait(false);
        foreach (var row in rows)
        {
            var s = row.Span;
            var llm = s.Llm;
            await copy.StartRowAsync().ConfigureAwait(false);
            await copy.WriteAsync(s.TraceId, NpgsqlDbType.Text).ConfigureAwait(false);
            await copy.WriteAsync(s.SpanId, NpgsqlDbType.Text).ConfigureAwait(false);
            await WriteAsync(copy, s.ParentSpanId, NpgsqlDbType.Text).ConfigureAwait(false);
            await copy.WriteAsync(s.Name, NpgsqlDbType.Text).ConfigureAwait(false);
            await copy.WriteAsync(s.Kind, NpgsqlDbType.Integer).ConfigureAwait(false);
            await copy.WriteAsync(s.ServiceName, NpgsqlDbType.Text).ConfigureAwait(false);
            await WriteAsync(copy, s.ScopeName, NpgsqlDbType.Text).ConfigureAwait(false);
            await copy.WriteAsync(DateTime.SpecifyKind(s.StartTime, DateTimeKind.Utc), NpgsqlDbType.TimestampTz).ConfigureAwait(false);
            await copy.WriteAsync(DateTime.SpecifyKind(s.EndTime, DateTimeKind.Utc), NpgsqlDbType.TimestampTz).ConfigureAwait(false);
            await copy.WriteAsync(s.DurationMs, NpgsqlDbType.Double).ConfigureAwait(false);
            await copy.WriteAsync(s.StatusCode, NpgsqlDbType.Integer).ConfigureAwait(false);
            await WriteAsync(copy, s.StatusMessage, NpgsqlDbType.Text).ConfigureAwait(false);
            await WriteAsync(copy, llm.SpanKind, NpgsqlDbType.Text).ConfigureAwait(false);
            await WriteAsync(copy, llm.Operation, NpgsqlDbType.Text).ConfigureAwait(false);
            await WriteAsync(copy, llm.Provider, NpgsqlDbType.Text).ConfigureAwait(false);
            await WriteAsync(copy, llm.Model, NpgsqlDbType.Text).ConfigureAwait(false);
            await WriteAsync(copy, llm.InputTokens, NpgsqlDbType.Bigint).ConfigureAwait(false);
            await WriteAsync(copy, llm.OutputTokens, NpgsqlDbType.Bigint).ConfigureAwait(false);
            await WriteAsync(copy, llm.CacheReadTokens, NpgsqlDbType.Bigint).ConfigureAwait(false);
            await WriteAsync(copy, llm.CacheWriteTokens, NpgsqlDbType.Bigint).ConfigureAwait(false);
            await WriteAsync(copy, llm.ReasoningTokens, NpgsqlDbType.Bigint).ConfigureAwait(false);
            await WriteAsync(copy, llm.CostUsd, NpgsqlDbType.Double).ConfigureAwait(false);
            await WriteAsync(copy, llm.CostSource, NpgsqlDbType.Text).ConfigureAwait(false);
            await WriteAsync(copy, llm.Feature, NpgsqlDbType.Text).ConfigureAwait(false);
            await copy.WriteAsync(row.AttributesJson, NpgsqlDbType.Text).ConfigureAwait(false);
            await copy.WriteAsync(s.ResourceJson, NpgsqlDbType.Text).ConfigureAwait(false);
            await WriteAsync(copy, row.EventsJson, NpgsqlDbType.Text).ConfigureAwait(false);
            await WriteAsync(copy, row.ContentRefs, NpgsqlDbType.Text).ConfigureAwait(false);
            await copy.WriteAsync(s.Project, NpgsqlDbType.Text).ConfigureAwait(false);
            if (withQueryColumns)
            {
                await WriteAsync(copy, row.QueryColumns!.UserId, NpgsqlDbType.Text).ConfigureAwait(false);
                await WriteAsync(copy, row.QueryColumns.TtftMs, NpgsqlDbType.Double).ConfigureAwait(false);
                await WriteAsync(copy, row.QueryColumns.SessionId, NpgsqlDbType.Text).ConfigureAwait(false);
            }
        }

        await copy.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Each value of the batch once, in key order (day, hash): writers insert them in the same order.</summary>
    private static List<ContentBlob> UniqueBlobs(List<SplitSpan> rows)
    {
        var blobs = ContentRows.Unique(rows);
        blobs.Sort((a, b) => a.Day.CompareTo(b.Day) is var byDay and not 0 ? byDay : string.CompareOrdinal(a.Hash, b.Hash));
        return blobs;
    }

    private static async Task CopyContentAsync(NpgsqlConnection connection, string table, List<ContentBlob> blobs)
    {
        await using var copy = await connection.BeginBinaryImportAsync($"COPY {table} (day, hash, length, data, text) FROM STDIN (FORMAT BINARY)").ConfigureAwait(false);
        foreach (var blob in blobs)
        {
            await copy.StartRowAsync().ConfigureAwait(false);
            await copy.WriteAsync(blob.Day, NpgsqlDbType.Date).ConfigureAwait(false);
            await copy.WriteAsync(Convert.FromHexString(blob.Hash), NpgsqlDbType.Bytea).ConfigureAwait(false);
            await copy.WriteAsync(blob.Length, NpgsqlDbType.Integer).ConfigureAwait(false);
            await copy.WriteNullAsync().ConfigureAwait(false); // data: the Brotli copy of content stored before text
            await copy.WriteAsync(blob.Text, NpgsqlDbType.Text).ConfigureAwait(false);
        }

        await copy.CompleteAsync().ConfigureAwait(false);
    }

    private static Task WriteAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type) where T : class =>
        value is null ? copy.WriteNullAsync() : copy.WriteAsync(value, type);

    private static Task WriteAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type) where T : struct =>
        value is { } v ? copy.WriteAsync(v, type) : copy.WriteNullAsync();

    private async Task DropConnectionAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }

    public ValueTask DisposeAsync() => new(DropConnectionAsync());
}
