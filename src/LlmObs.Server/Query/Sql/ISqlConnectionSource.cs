using System.Data.Common;

namespace LlmObs.Server.Query.Sql;

/// <summary>How one engine is reached: its dialect, an open connection for reading, and its parameters.</summary>
internal interface ISqlConnectionSource
{
    ISqlDialect Dialect { get; }

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    DbParameter Parameter(string name, object value);
}
