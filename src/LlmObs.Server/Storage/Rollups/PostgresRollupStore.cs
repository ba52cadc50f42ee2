using System.Data;
using System.Data.Common;
using LlmObs.Server.Query.Postgres;
using LlmObs.Server.Query.Sql;
using LlmObs.Server.Storage.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LlmObs.Server.Storage.Rollups;

/// <summary>
/// Rolls up over a connection of its own in the session time zone UTC (date_trunc cuts hours and days in it),
/// in one repeatable-read snapshot per pass: a batch that commits during the pass keeps its dirty marks for the next.
/// A session advisory lock, taken before the snapshot, lets servers sharing the database take turns.
/// </summary>
internal sealed class PostgresRollupStore : IRollupStore, IAsyncDisposable
{
    private const long LockKey = 7237010332;
    private readonly NpgsqlDataSource _dataSource;

    public PostgresRollupStore(IOptions<StorageOptions> options)
    {
        _dataSource = PostgresReadPools.Create(options.Value, "llmobs-rollup");
    }

    public ISqlDialect Dialect => PostgresDialect.Instance;

    public async Task<T> RunAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", connection))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            return await work(connection, transaction).ConfigureAwait(false);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public DbParameter Parameter(string name, object value) => new NpgsqlParameter(name, value);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
