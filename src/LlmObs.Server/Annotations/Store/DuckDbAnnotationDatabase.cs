using System.Data.Common;
using DuckDB.NET.Data;
using LlmObs.Server.Query.DuckDb;
using LlmObs.Server.Query.Sql;
using LlmObs.Server.Storage.DuckDb;

namespace LlmObs.Server.Annotations.Store;

/// <summary>
/// Annotations in the embedded store's own DuckDB file, beside the spans they are joined to. Connections to the
/// same file in this process share the span store's open database, so nothing is opened twice; annotation writes
/// touch only their own table and never conflict with the span writer's transactions.
/// </summary>
internal sealed class DuckDbAnnotationDatabase(DuckDbSpanStore store) : IAnnotationDatabase
{
    private static readonly (int, string, string)[] Migrations =
    [
        (1, "annotations", """
            CREATE TABLE IF NOT EXISTS annotations (
                id          VARCHAR   NOT NULL,
                target_kind VARCHAR   NOT NULL,
                target_id   VARCHAR   NOT NULL,
                trace_id    VARCHAR   NOT NULL,
                span_id     VARCHAR,
                name        VARCHAR   NOT NULL,
                score       DOUBLE,
                label       VARCHAR,
                explanation VARCHAR,
                source      VARCHAR   NOT NULL,
                identifier  VARCHAR   NOT NULL,
                metadata    VARCHAR,
                created_at  TIMESTAMP NOT NULL,
                updated_at  TIMESTAMP NOT NULL,
                -- The upsert key. The only index: DuckDB keeps indexes in memory, and annotations are few beside spans.
                UNIQUE (target_kind, target_id, name, identifier)
            );
            """),
    ];

    private readonly SemaphoreSlim _migrate = new(1, 1);
    private volatile bool _migrated;

    public ISqlDialect Dialect => DuckDbDialect.Instance;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new DuckDBConnection($"Data Source={store.DatabasePath}");
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (!_migrated)
        {
            await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        return connection;
    }

    public DbParameter Parameter(string name, object? value) => new DuckDBParameter(name, value ?? DBNull.Value);

    private async Task MigrateAsync(DuckDBConnection connection, CancellationToken cancellationToken)
    {
        await _migrate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_migrated)
            {
                return;
            }

            await AnnotationMigrations.ApplyAsync(
                connection,
                Migrations,
                $"CREATE TABLE IF NOT EXISTS {AnnotationMigrations.Table} (version INTEGER NOT NULL, description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)",
                lockStatement: null, // one process owns a DuckDB file; the semaphore orders this process's callers
                (name, value) => new DuckDBParameter(name, value),
                Dialect.Placeholder,
                cancellationToken).ConfigureAwait(false);
            _migrated = true;
        }
        finally
        {
            _migrate.Release();
        }
    }
}
