using System.Data.Common;
using DuckDB.NET.Data;
using LlmObs.Pricing;
using LlmObs.Server.Ingest;
using LlmObs.Server.Storage.Content;
using LlmObs.Server.Storage.Maintenance;
using LlmObs.Server.Storage.Retention;
using LlmObs.Server.Storage.Rollups;
using Microsoft.Extensions.Options;

namespace LlmObs.Server.Storage.DuckDb;

/// <summary>
/// The embedded store: one DuckDB file in the data directory. Writes from all requests are funnelled
/// through one writer that appends everything waiting in a single transaction (DuckDB has one writer anyway),
/// and each request is acknowledged when the transaction that holds its spans has committed.
/// </summary>
internal sealed class DuckDbSpanStore : ISpanStore, IRetentionTarget, IStoreMaintenance, IHostedService, IAsyncDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly WriteQueue<SplitSpan> _queue;
    private readonly LargeValueSplitter _splitter;
    private readonly RecentSpanKeys _recentSpans = new(RecentSpanKeys.DefaultCapacity);
    private readonly KnownContent _knownContent = new(KnownContent.DefaultCapacity);
    private readonly ILogger<DuckDbSpanStore> _logger;
    private Task? _writer;
    private bool _disposed;

    public DuckDbSpanStore(IOptions<LlmObsServerOptions> options, IOptions<StorageOptions> storage, ILogger<DuckDbSpanStore> logger)
    {
        _logger = logger;
        _splitter = new LargeValueSplitter(storage.Value.LargeValueBytes);
        _queue = new WriteQueue<SplitSpan>(storage.Value.MaxQueuedSpans, storage.Value.MaxBatchSpans);
        var directory = Path.GetFullPath(options.Value.DataDirectory);
        Directory.CreateDirectory(directory);
        DatabasePath = Path.Combine(directory, "llmobs.duckdb");
        _connection = new DuckDBConnection($"Data Source={DatabasePath}");
        _connection.Open();
        DuckDbSchema.Migrate(_connection);

        // DuckDB checkpoints when the WAL passes 16 MB by default: under sustained ingest that is every few seconds,
        // each one stalling the writer and rewriting (recompressing) the table's unfinished row group again, which
        // halved throughput and grew the file by a third or more. Commits still flush the WAL, so nothing acknowledged is
        // at risk; the cost is a longer WAL replay after a crash. Retention and a clean shutdown checkpoint anyway.
        DuckDbSchema.Execute(_connection, $"SET wal_autocheckpoint = '{WalAutoCheckpoint}'");

        // Spans that may be stored already land in a connection-local temp table first, so retries can be left out with
        // one anti-join instead of a unique index, which DuckDB keeps in memory and which would grow with the store.
        DuckDbSchema.Execute(_connection, "CREATE TEMP TABLE spans_staging AS SELECT * FROM spans LIMIT 0");
        SeedRecentSpans();
        SeedKnownContent();
    }

    /// <summary>How far back in start time the ids of stored spans are read at start, so a retry after a restart is still caught.</summary>
    internal static readonly TimeSpan RecentSpansSeed = TimeSpan.FromMinutes(2);

    // The keys of the spans stored lately, by start time: a span not among them, after the horizon, is new and is appended
    // straight to spans. Read from the store itself, so spans acknowledged before a crash count too.
    private void SeedRecentSpans()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT count(*) = 0 FROM (SELECT 1 FROM spans LIMIT 1)";
        if (Convert.ToBoolean(command.ExecuteScalar()))
        {
            _recentSpans.Reset(long.MinValue); // an empty table: every span is new until stored
            return;
        }

        // Only as many seconds as fit: a store that took a million spans in the last two minutes is not read whole.
        var earliest = RecentSpanKeys.SecondOf(DateTime.UtcNow - RecentSpansSeed);
        var counts = new List<(long, long)>();
        command.CommandText = "SELECT date_trunc('second', start_time), count(*) FROM spans WHERE start_time >= $from GROUP BY 1 ORDER BY 1 DESC";
        command.Parameters.Add(new DuckDBParameter("from", new DateTime(earliest * TimeSpan.TicksPerSecond)));
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                counts.Add((RecentSpanKeys.SecondOf(reader.GetDateTime(0)), reader.GetInt64(1)));
            }
        }

        var horizon = _recentSpans.SeedHorizon(earliest, counts);
        _recentSpans.Reset(horizon);
        command.CommandText = "SELECT trace_id, span_id, start_time FROM spans WHERE start_time >= $from";
        command.Parameters.Clear();
        command.Parameters.Add(new DuckDBParameter("from", new DateTime(horizon * TimeSpan.TicksPerSecond)));
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                _recentSpans.Add(RecentSpanKeys.SecondOf(reader.GetDateTime(2)), RecentSpanKeys.SpanKey(reader.GetString(0), reader.GetString(1)));
            }
        }

        _recentSpans.Trim();
    }

    // Content is kept once per day: today's and yesterday's (late spans) stored values are known again after a restart,
    // as many as the newer half of the known keys holds.
    private void SeedKnownContent()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT day, hash FROM content WHERE day >= $from ORDER BY day DESC LIMIT $limit";
        command.Parameters.Add(new DuckDBParameter("from", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1)));
        command.Parameters.Add(new DuckDBParameter("limit", KnownContent.DefaultCapacity / 2 - 1));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            _knownContent.Add(reader.GetFieldValue<DateOnly>(0), reader.GetString(1));
        }
    }

    public string DatabasePath { get; }

    /// <summary>The WAL size at which DuckDB checkpoints by itself.</summary>
    internal const string WalAutoCheckpoint = "512MB";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writer ??= Task.Run(() => _queue.RunWriterAsync(WriteBatchAsync, (ex, requests) =>
            _logger.LogError(ex, "Writing {Count} requests to DuckDB failed; they were not acknowledged.", requests)), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Complete();
        if (_writer is not null)
        {
            await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // Large values are split off on the request's thread, in parallel, leaving the single writer only the database work.
    // So is reading user_id and ttft_ms from the attributes.
    public Task WriteAsync(IReadOnlyList<SpanRecord> spans, CancellationToken cancellationToken) =>
        _queue.WriteAsync(spans.Select(Prepare).ToList(), cancellationToken);

    internal SplitSpan Prepare(SpanRecord span)
    {
        var split = _splitter.Split(span);
        return split with { QueryColumns = QueryColumnValues.Read(split.AttributesJson, QueryColumnDialect.DuckDb) };
    }

    // Internal, as is Prepare, so bench/ can time the single writer's work on its own (DuckDbWriterBenchmarks).
    internal Task WriteBatchAsync(IReadOnlyList<SplitSpan> spans)
    {
        var rows = new List<SplitSpan>(spans.Count);
        var keys = new List<(long Second, ulong? Key)>(spans.Count); // each row's, recorded once the batch committed
        var direct = new List<SplitSpan>(spans.Count);
        var staged = new List<SplitSpan>();
        var seen = new HashSet<(string, string)>();
        DateTime min = DateTime.MaxValue, stagedMin = DateTime.MaxValue, stagedMax = DateTime.MinValue;
        foreach (var row in spans)
        {
            var span = row.Span;
            // A retry can arrive while the first attempt still waits in the queue: keep one of them.
            if (!seen.Add((span.TraceId, span.SpanId)))
            {
                continue;
            }

            var (second, key) = (RecentSpanKeys.SecondOf(span.StartTime), RecentSpanKeys.SpanKey(span.TraceId, span.SpanId));
            rows.Add(row);
            keys.Add((second, key));
            min = span.StartTime < min ? span.StartTime : min;

            // A span certainly not stored yet, whose user_id and ttft_ms are known, goes straight into spans; the rest
            // (a retry, an old span, values only the SQL can read) through the staging table and the anti-join.
            if (row.QueryColumns is not null && _recentSpans.IsCertainlyNew(second, key))
            {
                direct.Add(row);
            }
            else
            {
                staged.Add(row);
                stagedMin = span.StartTime < stagedMin ? span.StartTime : stagedMin;
                stagedMax = span.StartTime > stagedMax ? span.StartTime : stagedMax;
            }
        }

        List<ContentBlob> appendedContent;
        using var transaction = _connection.BeginTransaction();
        try
        {
            if (direct.Count > 0)
            {
                AppendSpans("spans", direct);
            }

            appendedContent = AppendContent(rows);
            if (staged.Count > 0)
            {
                AppendSpans("spans_staging", staged);

                // Retried spans carry the same start time, so only the row groups of the staged spans' time range are
                // probed (DuckDB skips the others by their min/max); the rest of the store is never read.
                using var insert = _connection.CreateCommand();
                // user_id, ttft_ms and session_id are read from the attributes here, in one statement over the batch.
                insert.CommandText = $"""
                    INSERT INTO spans
                    SELECT s.* REPLACE ({DuckDbSchema.QueryColumns.UserId} AS user_id, {DuckDbSchema.QueryColumns.TtftMs} AS ttft_ms,
                                       {DuckDbSchema.QueryColumns.SessionId} AS session_id)
                    FROM spans_staging s
                    WHERE NOT EXISTS (
                        SELECT 1 FROM spans t
                        WHERE t.start_time BETWEEN $min AND $max
                          AND t.start_time = s.start_time AND t.trace_id = s.trace_id AND t.span_id = s.span_id)
                    """;
                insert.Parameters.Add(new DuckDBParameter("min", stagedMin));
                insert.Parameters.Add(new DuckDBParameter("max", stagedMax));
                insert.ExecuteNonQuery();
                DuckDbSchema.Execute(_connection, "DELETE FROM spans_staging");
            }

            if (RollupTables.TouchesClosedHours(min, DateTime.UtcNow))
            {
                // Hours that may be rolled up already: marked dirty with the spans, so the rollups are redone (Storage/Rollups).
                var currentHour = RollupTables.HourOf(DateTime.UtcNow);
                using var appender = _connection.CreateAppender("rollup_dirty");
                foreach (var hour in RollupTables.HoursOf(rows.Select(r => r.Span.StartTime).Where(start => start < currentHour)))
                {
                    appender.CreateRow().AppendValue(hour).EndRow();
                }
            }

            // Commit writes the WAL; only then are the spans durable and the requests acknowledged.
            transaction.Commit();
        }
        catch
        {
            transaction.Rollback();
            throw;
        }

        // Only once committed: a row recorded here is stored.
        foreach (var (second, key) in keys)
        {
            _recentSpans.Add(second, key);
        }

        foreach (var blob in appendedContent)
        {
            _knownContent.Add(blob.Day, blob.Hash);
        }

        _recentSpans.Trim();
        return Task.CompletedTask;
    }

    private void AppendSpans(string table, List<SplitSpan> rows)
    {
        // Disposing the appender flushes into the open transaction. Values go in the table's column order.
        using var appender = _connection.CreateAppender(table);
        foreach (var row in rows)
        {
            var s = row.Span;
            var llm = s.Llm;
            var columns = row.QueryColumns;
            appender.CreateRow()
                .AppendValue(s.TraceId)
                .AppendValue(s.SpanId)
                .AppendValue(s.ParentSpanId)
                .AppendValue(s.Name)
                .AppendValue(s.Kind)
                .AppendValue(s.ServiceName)
                .AppendValue(s.ScopeName)
                .AppendValue(s.StartTime)
                .AppendValue(s.EndTime)
                .AppendValue(s.DurationMs)
                .AppendValue(s.StatusCode)
                .AppendValue(s.StatusMessage)
                .AppendValue(llm.SpanKind)
                .AppendValue(llm.Operation)
                .AppendValue(llm.Provider)
                .AppendValue(llm.Model)
                .AppendValue(llm.InputTokens)
                .AppendValue(llm.OutputTokens)
                .AppendValue(llm.CacheReadTokens)
                .AppendValue(llm.CacheWriteTokens)
                .AppendValue(llm.ReasoningTokens)
                .AppendValue(llm.CostUsd)
                .AppendValue(llm.CostSource)
                .AppendValue(llm.Feature)
                .AppendValue(row.AttributesJson)
                .AppendValue(s.ResourceJson)
                .AppendValue(row.EventsJson)
                .AppendValue(row.ContentRefs)
                // user_id and ttft_ms (session_id below): read at ingest, or (staged rows) filled from the attributes by the INSERT into spans
                .AppendValue(columns?.UserId)
                .AppendValue(columns?.TtftMs)
                .AppendValue(s.Project)
                .AppendValue(columns?.SessionId)
                .EndRow();
        }
    }

    /// <summary>Appends each value of the batch once, unless it is known to be stored for its day; returns those appended.</summary>
    private List<ContentBlob> AppendContent(List<SplitSpan> rows)
    {
        var appended = new List<ContentBlob>();
        using var appender = _connection.CreateAppender("content");
        foreach (var blob in ContentRows.Unique(rows))
        {
            if (!_knownContent.Contains(blob.Day, blob.Hash))
            {
                AppendBlob(appender, blob);
                appended.Add(blob);
            }
        }

        return appended;
    }

    private static void AppendBlob(DuckDBAppender appender, ContentBlob blob) =>
        appender.CreateRow().AppendValue(blob.Day).AppendValue(blob.Hash).AppendValue(blob.Length).AppendNullValue().AppendValue(blob.Utf8.AsSpan()).EndRow();

    public async Task<IReadOnlyList<StoredSpan>> GetTraceAsync(string traceId, CancellationToken cancellationToken)
    {
        await using var connection = OpenReadConnection();
        var rows = new List<(SpanRecord Span, string? Refs)>();
        var ranges = await TraceRangesAsync(connection, traceId.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
        await using (var command = connection.CreateCommand())
        {
            // One scan per time range (UNION ALL): each is a range DuckDB's zone maps narrow to a row group or two.
            command.CommandText = ranges is null
                ? $"SELECT {SpanColumns} FROM spans WHERE trace_id = $trace_id ORDER BY start_time, span_id"
                : string.Join("\nUNION ALL\n", ranges.Select((r, i) =>
                    $"SELECT {SpanColumns} FROM spans WHERE trace_id = $trace_id AND start_time >= $from{i}" + (r.End == DateTime.MaxValue ? "" : $" AND start_time < $to{i}")))
                  + "\nORDER BY start_time, span_id";
            command.Parameters.Add(new DuckDBParameter("trace_id", traceId.ToLowerInvariant()));
            for (var i = 0; i < (ranges?.Count ?? 0); i++)
            {
                command.Parameters.Add(new DuckDBParameter("from" + i, ranges![i].Start));
                if (ranges[i].End != DateTime.MaxValue)
                {
                    command.Parameters.Add(new DuckDBParameter("to" + i, ranges[i].End));
                }
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((SpanRows.Read(reader), reader.IsDBNull(27) ? null : reader.GetString(27)));
            }
        }

        var content = await ReadContentAsync(connection, rows, cancellationToken).ConfigureAwait(false);
        return rows.Select(r => new StoredSpan(ContentRows.Reassemble(r.Span, r.Refs, content))).ToList();
    }

    /// <summary>
    /// Where the trace's spans can be, from <c>trace_index</c> (kept by the rollup job for the hours it rolled up):
    /// its indexed span starts, plus the hours not rolled up yet or dirty. Null when nothing is rolled up: then
    /// every row is read. A random trace id tells zone maps nothing, but its start time narrows them to a row group.
    /// </summary>
    private static async Task<List<(DateTime Start, DateTime End)>?> TraceRangesAsync(DuckDBConnection connection, string traceId, CancellationToken cancellationToken)
    {
        DateTime rolledUntil;
        var ranges = new List<(DateTime Start, DateTime End)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT (SELECT max(rolled_until) FROM rollup_state), min(first_start), max(last_start)
                FROM trace_index WHERE trace_id = $trace_id
                """;
            command.Parameters.Add(new DuckDBParameter("trace_id", traceId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(0))
            {
                return null;
            }

            rolledUntil = reader.GetDateTime(0);
            if (!reader.IsDBNull(1))
            {
                ranges.Add((reader.GetDateTime(1), reader.GetDateTime(2).AddTicks(10))); // timestamps are microseconds
            }
        }

        ranges.Add((rolledUntil, DateTime.MaxValue));
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT DISTINCT hour FROM rollup_dirty WHERE hour < $rolled_until";
            command.Parameters.Add(new DuckDBParameter("rolled_until", rolledUntil));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ranges.Add((reader.GetDateTime(0), reader.GetDateTime(0).AddHours(1)));
            }
        }

        return RollupJob.Merge(ranges);
    }

    private static async Task<IReadOnlyDictionary<string, byte[]>> ReadContentAsync(
        DuckDBConnection connection, List<(SpanRecord Span, string? Refs)> rows, CancellationToken cancellationToken)
    {
        var wanted = ContentRows.Wanted(rows);
        var content = new Dictionary<string, byte[]>();
        if (wanted is not { } w)
        {
            return content;
        }

        await using var command = connection.CreateCommand();
        // One parameter per hash: DuckDB.NET binds no lists, and values are never spliced into SQL.
        var names = w.Hashes.Select((_, i) => "$h" + i).ToList();
        command.CommandText = $"SELECT hash, length, text, data FROM content WHERE day BETWEEN $first AND $last AND hash IN ({string.Join(", ", names)})";
        command.Parameters.Add(new DuckDBParameter("first", w.First));
        command.Parameters.Add(new DuckDBParameter("last", w.Last));
        for (var i = 0; i < w.Hashes.Count; i++)
        {
            command.Parameters.Add(new DuckDBParameter("h" + i, w.Hashes[i]));
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var hash = reader.GetString(0);
            if (!content.ContainsKey(hash))
            {
                content[hash] = ContentBlob.Read(reader.IsDBNull(2) ? null : reader.GetString(2), () => Bytes(reader.GetStream(3)), reader.GetInt32(1));
            }
        }

        return content;
    }

    private static byte[] Bytes(Stream stream)
    {
        using (stream)
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        }
    }

    // Named, not *: the other engineer's columns (e.g. project) may be added by a migration without shifting these ordinals.
    private const string SpanColumns = """
        trace_id, span_id, parent_span_id, name, kind, service_name, scope_name, start_time, end_time, duration_ms,
        status_code, status_message, llm_kind, operation, provider, model, input_tokens, output_tokens, cache_read_tokens,
        cache_write_tokens, reasoning_tokens, cost_usd, cost_source, feature, attributes, resource, events, content_refs, project
        """;

    // DuckDB.NET only duplicates in-memory connections; a second connection to the same file shares the
    // process's open database instance, so reads run beside the writer without reopening the file.
    private DuckDBConnection OpenReadConnection()
    {
        var connection = new DuckDBConnection($"Data Source={DatabasePath}");
        connection.Open();
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> on the writer's connection between batches (the rollup job: Storage/Rollups).</summary>
    internal Task<T> RunOnWriterAsync<T>(Func<DuckDBConnection, Task<T>> work, CancellationToken cancellationToken) =>
        _queue.RunAsync(_ => work(_connection), cancellationToken);

    public Task<long> ClearAsync(CancellationToken cancellationToken) =>
        _queue.RunAsync(_ =>
        {
            using var count = _connection.CreateCommand();
            count.CommandText = "SELECT count(*) FROM spans";
            var removed = Convert.ToInt64(count.ExecuteScalar());
            DuckDbSchema.Execute(_connection, "DELETE FROM spans");
            DuckDbSchema.Execute(_connection, "DELETE FROM content");
            foreach (var sql in RollupTables.ClearSql())
            {
                DuckDbSchema.Execute(_connection, sql);
            }

            _recentSpans.Forget();
            _knownContent.Forget();
            Checkpoint();
            return Task.FromResult(removed);
        }, cancellationToken);

    // On the writer: the new costs are appended to a temp table and applied in one UPDATE … FROM.
    public Task<long> RecomputeCostsAsync(PriceCatalog catalog, CancellationToken cancellationToken) =>
        _queue.RunAsync(_ =>
        {
            DuckDbSchema.Execute(_connection, "CREATE OR REPLACE TEMP TABLE cost_recompute (trace_id VARCHAR, span_id VARCHAR, cost_usd DOUBLE)");
            long priced = 0;
            var hours = new HashSet<DateTime>();
            using (var select = _connection.CreateCommand())
            {
                select.CommandText = CostRecomputation.CandidatesSql;
                using var reader = select.ExecuteReader();
                using var appender = _connection.CreateAppender("cost_recompute");
                foreach (var (traceId, spanId, start, cost) in CostRecomputation.Price(reader, catalog))
                {
                    appender.CreateRow().AppendValue(traceId).AppendValue(spanId).AppendValue(cost).EndRow();
                    hours.Add(RollupTables.HourOf(start));
                    priced++;
                }
            }

            // The hours whose costs change are rolled up again.
            using (var appender = _connection.CreateAppender("rollup_dirty"))
            {
                foreach (var hour in hours)
                {
                    appender.CreateRow().AppendValue(hour).EndRow();
                }
            }

            DuckDbSchema.Execute(_connection, """
                UPDATE spans SET cost_usd = r.cost_usd, cost_source = 'server'
                FROM cost_recompute r
                WHERE spans.trace_id = r.trace_id AND spans.span_id = r.span_id
                """);
            DuckDbSchema.Execute(_connection, "DROP TABLE cost_recompute");
            return Task.FromResult(priced);
        }, cancellationToken);

    public Task<RetentionResult> ApplyRetentionAsync(RetentionPolicy policy, DateTime now, CancellationToken cancellationToken) =>
        _queue.RunAsync(_ => Task.FromResult(ApplyRetention(policy, now)), cancellationToken);

    public Task<long> GetSizeBytesAsync(CancellationToken cancellationToken) =>
        _queue.RunAsync(_ =>
        {
            Checkpoint();
            return Task.FromResult(UsedBytes());
        }, cancellationToken);

    // On the writer, between batches, so its own transaction is closed. Annotations are written to the same file on their
    // own connections, and a plain CHECKPOINT beside one of those fails ("other write transactions active": clearing the
    // data answered 500 while the eval worker posted scores); FORCE waits for them to commit, and aborts none.
    private void Checkpoint() => DuckDbSchema.Execute(_connection, "FORCE CHECKPOINT");

    // Runs on the writer, between batches.
    private RetentionResult ApplyRetention(RetentionPolicy policy, DateTime now)
    {
        var removed = new List<DateOnly>();
        var days = DayBytes();
        if (policy.FirstDayKept(now) is { } firstKept)
        {
            removed.AddRange(days.Keys.Where(d => d < firstKept));
            RemoveDaysBefore(firstKept);
            foreach (var day in removed)
            {
                days.Remove(day);
            }
        }

        Checkpoint();
        var size = UsedBytes();
        if (policy.MaxBytes is { } maxBytes && size > maxBytes && days.Count > 1)
        {
            // Deleted rows free their blocks only when whole row groups go, so the file's used size cannot be
            // re-measured day by day. Each day's share of it is estimated from its bytes before compression instead,
            // and the oldest days go until the estimate fits: one pass, never the newest day.
            var logicalTotal = Math.Max(1, days.Values.Sum());
            var ratio = (double)size / logicalTotal;
            var before = removed.Count;
            foreach (var (day, bytes) in days.SkipLast(1))
            {
                if (size <= maxBytes)
                {
                    break;
                }

                removed.Add(day);
                size -= (long)(bytes * ratio);
            }

            if (removed.Count > before)
            {
                RemoveDaysBefore(removed[^1].AddDays(1));
                Checkpoint();
            }
        }

        return new RetentionResult(removed, size);
    }

    /// <summary>Each day's bytes before compression (rows and their content), oldest first.</summary>
    private SortedDictionary<DateOnly, long> DayBytes()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = """
            SELECT day, sum(bytes)::BIGINT FROM (
                SELECT CAST(start_time AS DATE) AS day,
                       strlen(attributes) + strlen(resource) + coalesce(strlen(events), 0) + coalesce(strlen(content_refs), 0) + strlen(name) + 160 AS bytes
                FROM spans
                UNION ALL
                SELECT day, coalesce(strlen(text), octet_length(data)) + 80 FROM content)
            GROUP BY day
            """;
        using var reader = command.ExecuteReader();
        var days = new SortedDictionary<DateOnly, long>();
        while (reader.Read())
        {
            days[reader.GetFieldValue<DateOnly>(0)] = reader.GetInt64(1);
        }

        return days;
    }

    private void RemoveDaysBefore(DateOnly day)
    {
        using var transaction = _connection.BeginTransaction();
        using (var spans = _connection.CreateCommand())
        {
            spans.CommandText = "DELETE FROM spans WHERE start_time < $before";
            spans.Parameters.Add(new DuckDBParameter("before", day.ToDateTime(TimeOnly.MinValue)));
            spans.ExecuteNonQuery();
        }

        using (var content = _connection.CreateCommand())
        {
            content.CommandText = "DELETE FROM content WHERE day < $before";
            content.Parameters.Add(new DuckDBParameter("before", day));
            content.ExecuteNonQuery();
        }

        foreach (var sql in RollupTables.DeleteBeforeSql("$before"))
        {
            using var rollups = _connection.CreateCommand();
            rollups.CommandText = sql;
            rollups.Parameters.Add(new DuckDBParameter("before", day.ToDateTime(TimeOnly.MinValue)));
            rollups.ExecuteNonQuery();
        }

        transaction.Commit();
        _recentSpans.ForgetBefore(RecentSpanKeys.SecondOf(day.ToDateTime(TimeOnly.MinValue)));
        _knownContent.ForgetBefore(day);
    }

    private long UsedBytes()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT used_blocks * block_size FROM pragma_database_size() WHERE database_name = current_database()";
        return Convert.ToInt64(command.ExecuteScalar());
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _queue.Complete();
        if (_writer is not null)
        {
            await _writer.ConfigureAwait(false);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
