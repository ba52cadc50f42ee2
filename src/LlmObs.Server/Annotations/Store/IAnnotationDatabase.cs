using System.Data.Common;
using LlmObs.Server.Query.Sql;

namespace LlmObs.Server.Annotations.Store;

/// <summary>
/// The engine under the annotation store: connections to the database that holds the spans (annotations are
/// joined to them), with the annotation tables created on first use by a migration of their own.
/// </summary>
internal interface IAnnotationDatabase
{
    ISqlDialect Dialect { get; }

    /// <summary>An open connection, after the annotation schema is in place.</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    DbParameter Parameter(string name, object? value);
}
