using System.Data.Common;
using DuckDB.NET.Data;
using LlmObs.Server.Query.DuckDb;
using LlmObs.Server.Query.Sql;
using LlmObs.Server.Storage.DuckDb;

namespace LlmObs.Server.Storage.Rollups;

/// <summary>Rolls up on the DuckDB store's writer, between batches: DuckDB has one writer anyway, and nothing interleaves.</summary>
internal sealed class DuckDbRollupStore(DuckDbSpanStore store) : IRollupStore
{
    public ISqlDialect Dialect => DuckDbDialect.Instance;

    public Task<T> RunAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        store.RunOnWriterAsync(async connection =>
        {
            var transaction = connection.BeginTransaction();
            try
            {
                return await work(connection, transaction).ConfigureAwait(false);
            }
            catch
            {
                transaction.Rollback();
                throw;
            }
        }, cancellationToken);

    public DbParameter Parameter(string name, object value) => new DuckDBParameter(name, value);
}
