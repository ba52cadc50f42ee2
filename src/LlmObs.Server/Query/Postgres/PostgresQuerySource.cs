using System.Data.Common;
using LlmObs.Server.Query.Sql;
using LlmObs.Server.Storage.Postgres;
using LlmObs.Server.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LlmObs.Server.Query.Postgres;

/// <summary>
/// Reads the PostgreSQL store through a pool of its own, so long dashboard queries never hold the writers'
/// connections. The session time zone is UTC: date_trunc on timestamptz cuts days in the session's zone.
/// </summary>
internal sealed class PostgresQuerySource : ISqlConnectionSource, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresQuerySource(IOptions<StorageOptions> options)
    {
        _dataSource = PostgresReadPools.Create(options.Value, "llmobs-query");
    }

    public ISqlDialect Dialect => PostgresDialect.Instance;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public DbParameter Parameter(string name, object value) => new NpgsqlParameter(name, value);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
