using System.Data.Common;
using System.Threading.Channels;
using DuckDB.NET.Data;
using LlmObs.Server.Ingest;
using Microsoft.Extensions.Options;

namespace LlmObs.Server.Storage.DuckDb;

/// <summary>
/// The embedded store: one DuckDB file in the data directory. Writes from all requests are funnelled
/// through one writer that appends everything waiting in a single transaction (DuckDB has one writer anyway),
/// and each request is acknowledged when the transaction that holds its spans has committed.
/// </summary>
internal sealed class DuckDbSpanStore : ISpanStore, IHostedService, IAsyncDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger<DuckDbSpanStore> _logger;
    private Task? _writer;

    public DuckDbSpanStore(IOptions<LlmObsServerOptions> options, ILogger<DuckDbSpanStore> logger)
    {
        _logger = logger;
        var directory = Path.GetFullPath(options.Value.DataDirectory);
        Directory.CreateDirectory(directory);
        DatabasePath = Path.Combine(directory, "llmobs.duckdb");
        _connection = new DuckDBConnection($"Data Source={DatabasePath}");
        _connection.Open();
        using var command = _connection.CreateCommand();
        command.CommandText = DuckDbSchema.CreateSpans;
        command.ExecuteNonQuery();
    }

    public string DatabasePath { get; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _writes.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task WriteAsync(IReadOnlyList<SpanRecord> spans, CancellationToken cancellationToken)
    {
        if (spans.Count == 0)
        {
            return Task.CompletedTask;
        }

        var pending = new PendingWrite(spans);
        if (!_writes.Writer.TryWrite(pending))
        {
            throw new StoreUnavailableException("The store is shutting down.");
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>();
        while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_writes.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                Append(batch);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Writing {Count} requests to DuckDB failed; they were not acknowledged.", batch.Count);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(new StoreUnavailableException("The store could not write the spans.", ex));
                }
            }

            batch.Clear();
        }
    }

    private void Append(List<PendingWrite> batch)
    {
        // Disposing the appender flushes and commits; only then are the spans durable.
        using var appender = _connection.CreateAppender("spans");
        foreach (var pending in batch)
        {
            foreach (var s in pending.Spans)
            {
                var llm = s.Llm;
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
                    .AppendValue(s.AttributesJson)
                    .AppendValue(s.ResourceJson)
                    .AppendValue(s.EventsJson)
                    .EndRow();
            }
        }
    }

    public async Task<IReadOnlyList<TraceSummary>> ListTracesAsync(TraceListQuery query, CancellationToken cancellationToken)
    {
        await using var connection = OpenReadConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT trace_id,
                   coalesce(arg_min(name, start_time) FILTER (WHERE parent_span_id IS NULL), arg_min(name, start_time)) AS root_name,
                   coalesce(arg_min(service_name, start_time) FILTER (WHERE parent_span_id IS NULL), arg_min(service_name, start_time)) AS service_name,
                   min(start_time) AS start_time,
                   date_diff('microsecond', min(start_time), max(end_time)) / 1000.0 AS duration_ms,
                   count(*) AS span_count,
                   count(*) FILTER (WHERE llm_kind = 'llm') AS llm_calls,
                   coalesce(sum(input_tokens), 0)::BIGINT AS input_tokens, -- sum(BIGINT) is a HUGEINT, read as BigInteger
                   coalesce(sum(output_tokens), 0)::BIGINT AS output_tokens,
                   coalesce(sum(cost_usd), 0) AS cost_usd,
                   bool_or(status_code = 2) AS has_error
            FROM spans
            WHERE ($service IS NULL OR service_name = $service)
            GROUP BY trace_id
            ORDER BY start_time DESC
            LIMIT $limit
            """;
        command.Parameters.Add(new DuckDBParameter("service", query.Service));
        command.Parameters.Add(new DuckDBParameter("limit", Math.Clamp(query.Limit, 1, 1000)));

        var traces = new List<TraceSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            traces.Add(new TraceSummary(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc), reader.GetDouble(4),
                reader.GetInt64(5), reader.GetInt64(6), Convert.ToInt64(reader.GetValue(7)), Convert.ToInt64(reader.GetValue(8)),
                reader.GetDouble(9), reader.GetBoolean(10)));
        }

        return traces;
    }

    public async Task<IReadOnlyList<StoredSpan>> GetTraceAsync(string traceId, CancellationToken cancellationToken)
    {
        await using var connection = OpenReadConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM spans WHERE trace_id = $trace_id ORDER BY start_time, span_id";
        command.Parameters.Add(new DuckDBParameter("trace_id", traceId.ToLowerInvariant()));

        var spans = new List<StoredSpan>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            spans.Add(new StoredSpan(ReadSpan(reader)));
        }

        return spans;
    }

    // DuckDB.NET only duplicates in-memory connections; a second connection to the same file shares the
    // process's open database instance, so reads run beside the writer without reopening the file.
    private DuckDBConnection OpenReadConnection()
    {
        var connection = new DuckDBConnection($"Data Source={DatabasePath}");
        connection.Open();
        return connection;
    }

    private static SpanRecord ReadSpan(DbDataReader r) => new()
    {
        TraceId = r.GetString(0),
        SpanId = r.GetString(1),
        ParentSpanId = NullableString(r, 2),
        Name = r.GetString(3),
        Kind = r.GetInt32(4),
        ServiceName = r.GetString(5),
        ScopeName = NullableString(r, 6),
        StartTime = DateTime.SpecifyKind(r.GetDateTime(7), DateTimeKind.Utc),
        EndTime = DateTime.SpecifyKind(r.GetDateTime(8), DateTimeKind.Utc),
        DurationMs = r.GetDouble(9),
        StatusCode = r.GetInt32(10),
        StatusMessage = NullableString(r, 11),
        Llm = r.IsDBNull(12) && r.IsDBNull(13) ? LlmView.None : new LlmView
        {
            SpanKind = NullableString(r, 12),
            Operation = NullableString(r, 13),
            Provider = NullableString(r, 14),
            Model = NullableString(r, 15),
            InputTokens = NullableLong(r, 16),
            OutputTokens = NullableLong(r, 17),
            CacheReadTokens = NullableLong(r, 18),
            CacheWriteTokens = NullableLong(r, 19),
            ReasoningTokens = NullableLong(r, 20),
            CostUsd = r.IsDBNull(21) ? null : r.GetDouble(21),
            CostSource = NullableString(r, 22),
            Feature = NullableString(r, 23),
        },
        AttributesJson = r.GetString(24),
        ResourceJson = r.GetString(25),
        EventsJson = NullableString(r, 26),
    };

    private static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? NullableLong(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.ConfigureAwait(false);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class PendingWrite(IReadOnlyList<SpanRecord> spans)
    {
        public IReadOnlyList<SpanRecord> Spans { get; } = spans;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
