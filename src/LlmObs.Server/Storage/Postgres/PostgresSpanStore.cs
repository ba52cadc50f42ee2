using LlmObs.Pricing;
using LlmObs.Server.Ingest;
using LlmObs.Server.Storage.Content;
using LlmObs.Server.Storage.Maintenance;
using LlmObs.Server.Storage.Retention;
using LlmObs.Server.Storage.Rollups;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace LlmObs.Server.Storage.Postgres;

/// <summary>
/// The team store: PostgreSQL through Npgsql. Requests are batched like DuckDB's (one queue), but written by
/// several connections at once, since PostgreSQL takes concurrent writers; each request is acknowledged when
/// the transaction holding its spans has committed.
/// </summary>
internal sealed class PostgresSpanStore : ISpanStore, IRetentionTarget, IStoreMaintenance, IHostedService, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresPartitions _partitions;
    private readonly WriteQueue<SplitSpan> _queue;
    private readonly LargeValueSplitter _splitter;
    private readonly int _writerCount;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresSpanStore> _logger;
    private readonly List<PostgresBatchWriter> _batchWriters = [];
    private readonly KnownContent _knownContent = new(KnownContent.DefaultCapacity);
    private Task? _writers;
    private bool _disposed;

    public PostgresSpanStore(IOptions<StorageOptions> options, TimeProvider time, ILogger<PostgresSpanStore> logger)
    {
        var storage = options.Value;
        if (string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            throw new InvalidOperationException(
                "LlmObs:Storage:Provider is 'postgres' but no connection string is set: set ConnectionStrings:llmobs or LlmObs:Storage:ConnectionString.");
        }

        _dataSource = NpgsqlDataSource.Create(storage.ConnectionString);
        _partitions = new PostgresPartitions(_dataSource);
        _queue = new WriteQueue<SplitSpan>(storage.MaxQueuedSpans, storage.MaxBatchSpans);
        _splitter = new LargeValueSplitter(storage.LargeValueBytes);
        _writerCount = Math.Max(1, storage.PostgresWriters);
        _time = time;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_writers is not null)
        {
            return;
        }

        await PostgresSchema.MigrateAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        await _partitions.EnsureAsync([today, today.AddDays(1)], cancellationToken).ConfigureAwait(false);

        var loops = new List<Task>();
        for (var i = 0; i < _writerCount; i++)
        {
            var writer = new PostgresBatchWriter(_dataSource, _partitions, _knownContent);
            _batchWriters.Add(writer);
            loops.Add(Task.Run(() => _queue.RunWriterAsync(writer.WriteAsync, (ex, requests) =>
                _logger.LogError(ex, "Writing {Count} requests to PostgreSQL failed; they were not acknowledged (clients retry on 503).", requests))));
        }

        _writers = Task.WhenAll(loops);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Complete();
        if (_writers is not null)
        {
            await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // Large values are split off on the request's thread, so the writers' connections only wait on PostgreSQL.
    public Task WriteAsync(IReadOnlyList<SpanRecord> spans, CancellationToken cancellationToken) =>
        _queue.WriteAsync(spans.Select(Prepare).ToList(), cancellationToken);

    // On the request's thread, in parallel: large values split off, user_id and ttft_ms read from the attributes.
    private SplitSpan Prepare(SpanRecord span)
    {
        var split = _splitter.Split(span);
        return split with { QueryColumns = QueryColumnValues.Read(split.AttributesJson, QueryColumnDialect.Postgres) };
    }

    public async Task<IReadOnlyList<StoredSpan>> GetTraceAsync(string traceId, CancellationToken cancellationToken)
    {
        var rows = new List<(SpanRecord Span, string? Refs)>();
        await using (var command = _dataSource.CreateCommand($"SELECT {PostgresBatchWriter.SpanColumns} FROM spans WHERE trace_id = @trace_id ORDER BY start_time, span_id"))
        {
            command.Parameters.AddWithValue("trace_id", traceId.ToLowerInvariant());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((SpanRows.Read(reader), reader.IsDBNull(27) ? null : reader.GetString(27)));
            }
        }

        var content = new Dictionary<string, byte[]>();
        if (ContentRows.Wanted(rows) is { } wanted)
        {
            await using var command = _dataSource.CreateCommand(
                "SELECT encode(hash, 'hex'), length, text, data FROM content WHERE day BETWEEN @first AND @last AND hash = ANY(@hashes)");
            command.Parameters.AddWithValue("first", wanted.First);
            command.Parameters.AddWithValue("last", wanted.Last);
            command.Parameters.AddWithValue("hashes", wanted.Hashes.Select(Convert.FromHexString).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                content.TryAdd(reader.GetString(0), ContentBlob.Read(reader.IsDBNull(2) ? null : reader.GetString(2), () => reader.GetFieldValue<byte[]>(3), reader.GetInt32(1)));
            }
        }

        return rows.Select(r => new StoredSpan(ContentRows.Reassemble(r.Span, r.Refs, content))).ToList();
    }

    public async Task<RetentionResult> ApplyRetentionAsync(RetentionPolicy policy, DateTime now, CancellationToken cancellationToken)
    {
        var removed = new List<DateOnly>();
        var days = await _partitions.ListAsync(cancellationToken).ConfigureAwait(false);
        if (policy.FirstDayKept(now) is { } firstKept)
        {
            // Dropping a day's tables is instant and leaves nothing to vacuum, unlike deleting its rows.
            foreach (var day in days.Where(d => d < firstKept).ToList())
            {
                await _partitions.DropAsync(day, cancellationToken).ConfigureAwait(false);
                removed.Add(day);
                days.Remove(day);
            }
        }

        var size = await GetSizeBytesAsync(cancellationToken).ConfigureAwait(false);
        if (policy.MaxBytes is { } maxBytes && size > maxBytes)
        {
            // Never the newest day holding spans (nor the empty ones made ahead of it).
            var newest = DateOnly.MinValue;
            for (var i = days.Count - 1; i >= 0; i--)
            {
                if (await _partitions.HasSpansAsync(days[i], cancellationToken).ConfigureAwait(false))
                {
                    newest = days[i];
                    break;
                }
            }

            foreach (var day in days.Where(d => d < newest).ToList())
            {
                if (size <= maxBytes)
                {
                    break;
                }

                await _partitions.DropAsync(day, cancellationToken).ConfigureAwait(false);
                removed.Add(day);
                size = await GetSizeBytesAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (removed.Count > 0)
        {
            // Every day up to the newest removed one is gone now: so are its rollups.
            await DeleteRollupsBeforeAsync(removed.Max().AddDays(1), cancellationToken).ConfigureAwait(false);
        }

        return new RetentionResult(removed, size);
    }

    private async Task DeleteRollupsBeforeAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var sql in RollupTables.DeleteBeforeSql("@before"))
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.AddWithValue("before", new DateTime(day, TimeOnly.MinValue, DateTimeKind.Utc));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> ClearAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM spans", connection, transaction);
        var removed = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await using var truncate = new NpgsqlCommand("TRUNCATE spans, content, rollup_calls, rollup_users, rollup_users_hourly, rollup_user_days, rollup_values, rollup_dirty, rollup_state, trace_index, rollup_top_calls", connection, transaction);
        await truncate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return removed;
    }

    // The new costs are copied into a temp table and applied in one UPDATE … FROM, keyed with start_time so
    // PostgreSQL only visits the partitions that hold the spans.
    public async Task<long> RecomputeCostsAsync(PriceCatalog catalog, CancellationToken cancellationToken)
    {
        var costs = new List<(string TraceId, string SpanId, DateTime StartTime, double CostUsd)>();
        await using (var select = _dataSource.CreateCommand(CostRecomputation.CandidatesSql))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            costs.AddRange(CostRecomputation.Price(reader, catalog));
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var create = new NpgsqlCommand(
            "CREATE TEMP TABLE cost_recompute (trace_id text, span_id text, start_time timestamptz, cost_usd double precision) ON COMMIT DROP",
            connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY cost_recompute (trace_id, span_id, start_time, cost_usd) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            foreach (var (traceId, spanId, startTime, cost) in costs)
            {
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(traceId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(spanId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(startTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(cost, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var update = new NpgsqlCommand("""
            UPDATE spans s SET cost_usd = r.cost_usd, cost_source = 'server'
            FROM cost_recompute r
            WHERE s.trace_id = r.trace_id AND s.span_id = r.span_id AND s.start_time = r.start_time
            """, connection, transaction))
        {
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // The hours whose costs change are rolled up again.
        await using (var mark = new NpgsqlCommand("INSERT INTO rollup_dirty (hour) SELECT unnest(@hours)", connection, transaction))
        {
            mark.Parameters.AddWithValue("hours", RollupTables.HoursOf(costs.Select(c => c.StartTime)).ToArray());
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return costs.Count;
    }

    public async Task<long> GetSizeBytesAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("""
            SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0)::bigint
            FROM pg_inherits i
            WHERE i.inhparent IN ('spans'::regclass, 'content'::regclass)
            """);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _queue.Complete();
        if (_writers is not null)
        {
            await _writers.ConfigureAwait(false);
        }

        foreach (var writer in _batchWriters)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }

        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
