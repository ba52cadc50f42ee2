using System.Data.Common;
using LlmObs.Server.Query.Sql;

namespace LlmObs.Server.Storage.Rollups;

/// <summary>What the rollup job needs of an engine: a connection to run one pass on, in a transaction of its isolation.</summary>
internal interface IRollupStore
{
    ISqlDialect Dialect { get; }

    /// <summary>
    /// Runs <paramref name="work"/> with a connection and an open transaction that it commits. DuckDB runs it on the
    /// store's writer, between batches, so rollups, late spans, retention and clear never interleave; PostgreSQL
    /// in a snapshot (repeatable read) under an advisory lock, so servers sharing a database take turns.
    /// </summary>
    Task<T> RunAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    DbParameter Parameter(string name, object value);
}
