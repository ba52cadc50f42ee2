using DuckDB.NET.Data;
using LlmObs.Server.Query;
using LlmObs.Server.Query.DuckDb;
using LlmObs.Server.Query.Postgres;
using LlmObs.Server.Query.Sql;
using LlmObs.Server.Storage;
using LlmObs.Server.Storage.DuckDb;
using LlmObs.Server.Storage.Postgres;
using LlmObs.Server.Storage.Retention;
using LlmObs.Server.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LlmObs.Server.Tests.Storage;

/// <summary>
/// One engine's store on storage the test owns (a temp directory, or a fresh schema of the test PostgreSQL),
/// opened, reopened as a restart would, and inspected underneath the store's interface where a test must see
/// how data is laid out (content out of line, migrations applied once).
/// </summary>
internal abstract class StoreHarness : IAsyncDisposable
{
    private IAsyncDisposable? _store;

    public ISpanStore Store => (ISpanStore)(_store ?? throw new InvalidOperationException("Open the store first."));

    public IRetentionTarget Retention => (IRetentionTarget)Store;

    public StorageOptions Options { get; } = new();

    public async Task<ISpanStore> OpenAsync()
    {
        await CloseAsync();
        var store = Create();
        await ((IHostedService)store).StartAsync(TestContext.Current.CancellationToken);
        _store = (IAsyncDisposable)store;
        return store;
    }

    /// <summary>Stops and disposes the store (a clean shutdown), keeping its data.</summary>
    public async Task CloseAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
            _store = null;
        }
    }

    protected abstract ISpanStore Create();

    /// <summary>The traces list as the query API reads it, newest first, from the raw spans (rollups are not run here).</summary>
    public async Task<IReadOnlyList<TraceRow>> TracesAsync(string? service = null, int limit = PageRequest.DefaultLimit) =>
        await QueryAsync(async (queries, ct) => (await queries.ListTracesAsync(new SpanFilter { Service = service }, new PageRequest(0, limit), ct)).Items);

    /// <summary>Asks the query API over this store's raw spans (rollups are not run here).</summary>
    public async Task<T> QueryAsync<T>(Func<ISpanQueries, CancellationToken, Task<T>> query)
    {
        var source = QuerySource();
        try
        {
            return await query(new SqlSpanQueries(source, useRollups: false), TestContext.Current.CancellationToken);
        }
        finally
        {
            if (source is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    protected abstract ISqlConnectionSource QuerySource();

    /// <summary>A scalar from the engine's own SQL, with the store's tables in scope.</summary>
    public abstract Task<object?> ScalarAsync(string sql);

    /// <summary>The engine's SQL literal of a byte string.</summary>
    public abstract string BytesLiteral(ReadOnlySpan<byte> bytes);

    public virtual async ValueTask DisposeAsync() => await CloseAsync();
}

internal sealed class DuckDbHarness : StoreHarness
{
    private readonly TempDirectory _directory = new();

    protected override ISpanStore Create() => new DuckDbSpanStore(
        Microsoft.Extensions.Options.Options.Create(new LlmObsServerOptions { DataDirectory = _directory.Path }),
        Microsoft.Extensions.Options.Options.Create(Options),
        NullLogger<DuckDbSpanStore>.Instance);

    public override async Task<object?> ScalarAsync(string sql)
    {
        // The store's process-wide database instance is shared by a second connection to the same file.
        await using var connection = new DuckDBConnection($"Data Source={Path.Combine(_directory.Path, "llmobs.duckdb")}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }

    protected override ISqlConnectionSource QuerySource() => new DuckDbQuerySource((DuckDbSpanStore)Store);

    public override string BytesLiteral(ReadOnlySpan<byte> bytes) => $"from_base64('{Convert.ToBase64String(bytes)}')";

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>A fresh schema per test in the PostgreSQL of <c>LLMOBS_TEST_POSTGRES</c>, dropped afterwards.</summary>
internal sealed class PostgresHarness : StoreHarness
{
    private readonly string _schema = "test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _adminConnectionString;

    public PostgresHarness()
    {
        _adminConnectionString = TestPostgres.ConnectionString();
        using var connection = new NpgsqlConnection(_adminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE SCHEMA {_schema}", connection); // a generated name, not input
        command.ExecuteNonQuery();
        Options.Provider = StorageProviders.Postgres;
        Options.ConnectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { SearchPath = _schema }.ConnectionString;
    }

    protected override ISpanStore Create() => new PostgresSpanStore(
        Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System, NullLogger<PostgresSpanStore>.Instance);

    public override async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Options.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }

    protected override ISqlConnectionSource QuerySource() => new PostgresQuerySource(Microsoft.Extensions.Options.Options.Create(Options));

    public override string BytesLiteral(ReadOnlySpan<byte> bytes) => $"decode('{Convert.ToHexString(bytes)}', 'hex')";

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>The PostgreSQL the test command started (<c>eng/test.sh</c> exports <c>LLMOBS_TEST_POSTGRES</c>).</summary>
internal static class TestPostgres
{
    public const string Variable = "LLMOBS_TEST_POSTGRES";

    /// <summary>
    /// The connection string; without one the test fails in CI (a store test that silently did not run is a
    /// hole in the suite) and is skipped on a developer's machine.
    /// </summary>
    public static string ConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        var message = $"{Variable} is not set: run the tests through eng/test.sh, which starts a private PostgreSQL and exports it.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
        return null!;
    }
}
