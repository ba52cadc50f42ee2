using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using LlmObs.Server.Storage.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace LlmObs.QueryBench;

/// <summary>
/// Copies the generated spans from the DuckDB file into PostgreSQL with binary COPY, a day at a time and two days
/// at once, so both engines hold the very same rows. The schema and the day partitions are the store's own.
/// </summary>
internal static class PostgresLoader
{
    // The writer's columns and the two it fills from the attributes.
    private const string Columns = PostgresBatchWriter.SpanColumns + ", user_id, ttft_ms, session_id";

    public static async Task CopyAsync(string duckDbPath, string connectionString, TextWriter log)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        List<DateOnly> days;
        await using (var duck = new DuckDBConnection($"Data Source={duckDbPath}"))
        {
            duck.Open();
            await using var command = duck.CreateCommand();
            command.CommandText = "SELECT DISTINCT CAST(start_time AS DATE) FROM spans ORDER BY 1";
            await using var reader = await command.ExecuteReaderAsync();
            days = [];
            while (await reader.ReadAsync())
            {
                days.Add(reader.GetFieldValue<DateOnly>(0));
            }
        }

        await new PostgresPartitions(dataSource).EnsureAsync(days, CancellationToken.None);
        var total = Stopwatch.StartNew();
        long copied = 0;
        await Parallel.ForEachAsync(days, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (day, ct) =>
        {
            var watch = Stopwatch.StartNew();
            var rows = await CopyDayAsync(duckDbPath, dataSource, day, ct);
            var sum = Interlocked.Add(ref copied, rows);
            lock (log)
            {
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  postgres: {day:yyyy-MM-dd}: {rows:N0} spans in {watch.Elapsed.TotalSeconds:F1} s ({sum:N0} in {total.Elapsed.TotalSeconds:F0} s)"));
            }
        });

        await using var connection = await dataSource.OpenConnectionAsync();
        var vacuum = Stopwatch.StartNew();
        await using (var command = new NpgsqlCommand("VACUUM ANALYZE spans", connection) { CommandTimeout = 0 })
        {
            await command.ExecuteNonQueryAsync();
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  postgres: VACUUM ANALYZE in {vacuum.Elapsed.TotalSeconds:F0} s"));
    }

    private static async Task<long> CopyDayAsync(string duckDbPath, NpgsqlDataSource dataSource, DateOnly day, CancellationToken ct)
    {
        await using var duck = new DuckDBConnection($"Data Source={duckDbPath}");
        duck.Open();
        await using var select = duck.CreateCommand();
        select.CommandText = $"SELECT {Columns} FROM spans WHERE start_time >= $from AND start_time < $to";
        select.Parameters.Add(new DuckDBParameter("from", day.ToDateTime(TimeOnly.MinValue)));
        select.Parameters.Add(new DuckDBParameter("to", day.AddDays(1).ToDateTime(TimeOnly.MinValue)));
        await using var reader = await select.ExecuteReaderAsync(ct);

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var writer = await connection.BeginBinaryImportAsync(
            $"COPY spans ({Columns}) FROM STDIN (FORMAT BINARY)", ct);
        // Types from the DuckDB columns, so a column a later migration adds to the writer's list is copied too.
        var types = Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetFieldType(i) switch
        {
            var t when t == typeof(DateTime) => NpgsqlDbType.TimestampTz,
            var t when t == typeof(int) => NpgsqlDbType.Integer,
            var t when t == typeof(long) => NpgsqlDbType.Bigint,
            var t when t == typeof(double) => NpgsqlDbType.Double,
            _ => NpgsqlDbType.Text,
        }).ToArray();
        long rows = 0;
        while (await reader.ReadAsync(ct))
        {
            await writer.StartRowAsync(ct);
            for (var i = 0; i < types.Length; i++)
            {
                if (reader.IsDBNull(i))
                {
                    await writer.WriteNullAsync(ct);
                    continue;
                }

                var task = types[i] switch
                {
                    NpgsqlDbType.TimestampTz => writer.WriteAsync(DateTime.SpecifyKind(reader.GetDateTime(i), DateTimeKind.Utc), types[i], ct),
                    NpgsqlDbType.Integer => writer.WriteAsync(reader.GetInt32(i), types[i], ct),
                    NpgsqlDbType.Bigint => writer.WriteAsync(reader.GetInt64(i), types[i], ct),
                    NpgsqlDbType.Double => writer.WriteAsync(reader.GetDouble(i), types[i], ct),
                    _ => writer.WriteAsync(reader.GetString(i), types[i], ct),
                };
                await task;
            }

            rows++;
        }

        await writer.CompleteAsync(ct);
        return rows;
    }
}
