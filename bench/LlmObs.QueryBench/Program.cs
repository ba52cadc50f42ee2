using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using LlmObs.QueryBench;
using LlmObs.Server;
using LlmObs.Server.Query;
using LlmObs.Server.Query.DuckDb;
using LlmObs.Server.Query.Postgres;
using LlmObs.Server.Query.Sql;
using LlmObs.Server.Storage;
using LlmObs.Server.Storage.DuckDb;
using LlmObs.Server.Storage.Postgres;
using LlmObs.Server.Storage.Rollups;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Query latency at N stored spans: generates the spans (DuckDB, optionally copied into PostgreSQL), then times
// every aggregate of ISpanQueries, the traces list and trace-by-id through the real store and query classes.
//
//   dotnet run -c Release --project bench/LlmObs.QueryBench -- [--spans 10000000] [--data /tmp/llmobs-querybench]
//       [--postgres "<conn>"] [--regenerate] [--generate-only] [--reps 5] [--warmup 1] [--pg-reps 3]
//       [--windows 1,7,30] [--pg-windows 1,7] [--only name,…] [--raw]
//   (the server's rollup job runs first, timed; --raw skips it and answers every query from the spans)
//   … -- --explain cost-per-day --windows 30 [--postgres "<conn>"]   EXPLAIN ANALYZE of one statement SpanSql writes
//   … -- --sql "SELECT …" [--postgres "<conn>"]                      any statement, timed
var options = BenchArgs.Parse(args);
var log = Console.Out;
Directory.CreateDirectory(options.DataDirectory);
var duckDirectory = Path.Combine(options.DataDirectory, "duckdb");
var traces = (long)Math.Round(options.Spans / DuckDbGenerator.SpansPerTrace);

// 1. Data. The real store opens the file first, so the schema is the migrated one.
await using (var store = OpenDuckDb(duckDirectory))
{
}

var databasePath = Path.Combine(duckDirectory, "llmobs.duckdb");
var (stored, end) = Count(databasePath);
if (options.Regenerate || stored == 0)
{
    if (stored > 0)
    {
        Execute(databasePath, "DELETE FROM spans; CHECKPOINT;");
    }

    end = DateTime.UtcNow;
    log.WriteLine($"Generating {traces:N0} traces (~{options.Spans:N0} spans) over 30 days into {databasePath} …");
    var watch = Stopwatch.StartNew();
    DuckDbGenerator.Generate(databasePath, traces, end, TimeSpan.FromDays(30), log);
    (stored, end) = Count(databasePath);
    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"DuckDB: {stored:N0} spans in {watch.Elapsed.TotalSeconds:F0} s; file {new FileInfo(databasePath).Length / 1e9:F2} GB"));
}
else
{
    log.WriteLine($"DuckDB: reusing {stored:N0} spans in {databasePath} (--regenerate to make new ones)");
}

if (options.Postgres is { } pg)
{
    await using var pgStore = OpenPostgres(pg);
    await pgStore.StartAsync(CancellationToken.None);
    await pgStore.StopAsync(CancellationToken.None);
    var pgCount = await PostgresCountAsync(pg);
    if (options.Regenerate || pgCount != stored)
    {
        if (pgCount > 0)
        {
            await PostgresExecuteAsync(pg, "TRUNCATE spans, content");
        }

        log.WriteLine($"Copying {stored:N0} spans into PostgreSQL …");
        var watch = Stopwatch.StartNew();
        await PostgresLoader.CopyAsync(databasePath, pg, log);
        var seconds = watch.Elapsed.TotalSeconds;
        var size = await PostgresSizeAsync(pg);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PostgreSQL: copied in {seconds:F0} s; {size}"));
    }
    else
    {
        log.WriteLine($"PostgreSQL: reusing {pgCount:N0} spans");
    }
}

if (options.GenerateOnly)
{
    return;
}

if (options.Explain is not null || options.Sql is not null)
{
    var filter = new SpanFilter { From = end.AddDays(-options.Windows[0]), To = end };
    if (options.Postgres is { } pgConn)
    {
        await using var source = new PostgresQuerySource(Options.Create(new StorageOptions { Provider = StorageProviders.Postgres, ConnectionString = pgConn }));
        await RunExplainAsync(source);
    }
    else
    {
        await using var store = OpenDuckDb(duckDirectory);
        await RunExplainAsync(new DuckDbQuerySource(store));
    }

    async Task RunExplainAsync(ISqlConnectionSource source)
    {
        var statement = options.Sql is { } sql
            ? new SqlStatement(sql, [])
            : options.Explain!.StartsWith("rollup-", StringComparison.Ordinal)
                ? await Explain.RollupStatementAsync(source, options.Explain, filter)
                : Explain.Statement(new SpanSql(source.Dialect, new StoreSchema(false, HasQueryColumns: true)), options.Explain!, filter);
        await Explain.RunAsync(source, statement, options.Sql is null, log);
    }

    return;
}

// 2. Rollups: the server's rollup job, caught up as the server's background service would be (a backfill on the
//    first run over a store generated without them; only the hours since on later runs).
// 3. Latency, through the rollups (or, with --raw, from the spans alone, as before rollups existed).
var results = new List<Result>();
await using (var store = OpenDuckDb(duckDirectory))
{
    if (options.PostgresOnly)
    {
        goto postgres;
    }

    await store.StartAsync(CancellationToken.None);
    if (!options.Raw)
    {
        await RollUpAsync("DuckDB", new RollupJob(new DuckDbRollupStore(store), new RollupOptions()));
    }

    var queries = new SqlSpanQueries(new DuckDbQuerySource(store), useRollups: !options.Raw);
    results.AddRange(await Bench.RunAsync(options.Raw ? "DuckDB raw" : "DuckDB", queries, store, end, traces, options, options.Reps, options.Windows, log));
    await store.StopAsync(CancellationToken.None);
}

postgres:
if (options.Postgres is { } conn)
{
    await using var store = OpenPostgres(conn);
    await store.StartAsync(CancellationToken.None);
    var storageOptions = Options.Create(new StorageOptions { Provider = StorageProviders.Postgres, ConnectionString = conn });
    if (!options.Raw)
    {
        await using var rollupStore = new PostgresRollupStore(storageOptions);
        await RollUpAsync("PostgreSQL", new RollupJob(rollupStore, new RollupOptions()));
    }

    var source = new PostgresQuerySource(storageOptions);
    await using (source)
    {
        results.AddRange(await Bench.RunAsync(options.Raw ? "PostgreSQL raw" : "PostgreSQL", new SqlSpanQueries(source, useRollups: !options.Raw),
            store, end, traces, options, options.PostgresReps, options.PostgresWindows ?? options.Windows, log));
    }

    await store.StopAsync(CancellationToken.None);
}

log.WriteLine();
log.WriteLine(Bench.Table(results, options.Windows));
return;

async Task RollUpAsync(string engine, RollupJob job)
{
    log.WriteLine($"{engine}: rolling up (uptime: {Bench.Uptime()}) …");
    var run = await job.CatchUpAsync(DateTime.UtcNow, CancellationToken.None);
    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{engine}: rolled up {run.Hours:N0} hours and {run.Days:N0} days in {run.Elapsed.TotalSeconds:F1} s; rollups reach {run.RolledUntil:u} (uptime: {Bench.Uptime()})"));
}

DuckDbSpanStore OpenDuckDb(string directory) => new(
    Options.Create(new LlmObsServerOptions { DataDirectory = directory }),
    Options.Create(new StorageOptions()),
    NullLogger<DuckDbSpanStore>.Instance);

PostgresSpanStore OpenPostgres(string connectionString) => new(
    Options.Create(new StorageOptions { Provider = StorageProviders.Postgres, ConnectionString = connectionString }),
    TimeProvider.System,
    NullLogger<PostgresSpanStore>.Instance);

static (long Count, DateTime End) Count(string path)
{
    using var connection = new DuckDBConnection($"Data Source={path}");
    connection.Open();
    using var command = connection.CreateCommand();
    command.CommandText = "SELECT count(*), max(start_time) FROM spans";
    using var reader = command.ExecuteReader();
    reader.Read();
    var count = reader.GetInt64(0);
    return (count, count == 0 ? DateTime.UtcNow : DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc).AddSeconds(1));
}

static void Execute(string path, string sql)
{
    using var connection = new DuckDBConnection($"Data Source={path}");
    connection.Open();
    using var command = connection.CreateCommand();
    command.CommandText = sql;
    command.ExecuteNonQuery();
}

static async Task<long> PostgresCountAsync(string connectionString)
{
    await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
    await using var command = dataSource.CreateCommand("SELECT count(*) FROM spans");
    return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
}

static async Task PostgresExecuteAsync(string connectionString, string sql)
{
    await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
    await using var command = dataSource.CreateCommand(sql);
    await command.ExecuteNonQueryAsync();
}

static async Task<string> PostgresSizeAsync(string connectionString)
{
    await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
    await using var command = dataSource.CreateCommand("SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits WHERE inhparent = 'spans'::regclass");
    return "spans partitions " + await command.ExecuteScalarAsync();
}
