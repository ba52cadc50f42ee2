using DuckDB.NET.Data;
using Npgsql;

namespace LlmObs.IngestLoad;

/// <summary>What the store takes on disk per stored span, measured after the server has stopped.</summary>
internal static class StoreSize
{
    /// <summary>The DuckDB file after a checkpoint (the WAL folded in), and the spans it holds.</summary>
    public static (long Spans, long Bytes, long ContentRows) DuckDb(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "llmobs.duckdb");
        long spans, contentRows;
        using (var connection = new DuckDBConnection($"Data Source={path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CHECKPOINT";
            command.ExecuteNonQuery();
            command.CommandText = "SELECT count(*) FROM spans";
            spans = Convert.ToInt64(command.ExecuteScalar());
            command.CommandText = "SELECT count(*) FROM content";
            contentRows = Convert.ToInt64(command.ExecuteScalar());
        }

        var bytes = new FileInfo(path).Length + (File.Exists(path + ".wal") ? new FileInfo(path + ".wal").Length : 0);
        return (spans, bytes, contentRows);
    }

    /// <summary>Rows and bytes (heap, TOAST and indexes of every partition) of <c>spans</c> and <c>content</c>.</summary>
    public static async Task<PostgresSize> PostgresAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM spans),
                   (SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0)::bigint FROM pg_inherits i WHERE i.inhparent = 'spans'::regclass),
                   (SELECT count(*) FROM content),
                   (SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0)::bigint FROM pg_inherits i WHERE i.inhparent = 'content'::regclass)
            """);
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return new PostgresSize(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return new PostgresSize(0, 0, 0, 0); // a database the server has not migrated yet
        }
    }
}

internal sealed record PostgresSize(long Spans, long SpanBytes, long ContentRows, long ContentBytes)
{
    public static PostgresSize operator -(PostgresSize after, PostgresSize before) =>
        new(after.Spans - before.Spans, after.SpanBytes - before.SpanBytes, after.ContentRows - before.ContentRows, after.ContentBytes - before.ContentBytes);
}
