using System.Data.Common;
using DuckDB.NET.Data;
using LlmObs.Server.Query.Sql;
using LlmObs.Server.Storage.DuckDb;

namespace LlmObs.Server.Query.DuckDb;

/// <summary>
/// Reads the embedded store's file. A second connection to the same file in this process shares the store's
/// open database, so queries run beside the writer without reopening anything.
/// </summary>
internal sealed class DuckDbQuerySource(DuckDbSpanStore store) : ISqlConnectionSource
{
    public ISqlDialect Dialect => DuckDbDialect.Instance;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new DuckDBConnection($"Data Source={store.DatabasePath}");
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    public DbParameter Parameter(string name, object value) => new DuckDBParameter(name, value);
}
