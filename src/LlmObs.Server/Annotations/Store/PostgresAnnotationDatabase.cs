using System.Data.Common;
using LlmObs.Server.Query.Postgres;
using LlmObs.Server.Query.Sql;
using LlmObs.Server.Storage.Postgres;
using LlmObs.Server.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LlmObs.Server.Annotations.Store;

/// <summary>
/// Annotations in the PostgreSQL database that holds the spans, through a small pool of their own so annotation
/// traffic never waits behind the span writers. The session is UTC so days are cut as in DuckDB.
/// </summary>
internal sealed class PostgresAnnotationDatabase : IAnnotationDatabase, IAsyncDisposable
{
    private static readonly (int, string, string)[] Migrations =
    [
        (1, "annotations", """
            CREATE TABLE IF NOT EXISTS annotations (
                id          text COLLATE "C" PRIMARY KEY,
                target_kind text             NOT NULL,
                target_id   text COLLATE "C" NOT NULL,
                trace_id    text COLLATE "C" NOT NULL,
                span_id     text COLLATE "C",
                name        text             NOT NULL,
                score       double precision,
                label       text,
                explanation text,
                source      text             NOT NULL,
                identifier  text             NOT NULL,
                metadata    text,
                created_at  timestamptz      NOT NULL,
                updated_at  timestamptz      NOT NULL,
                UNIQUE (target_kind, target_id, name, identifier)
            );
            CREATE INDEX IF NOT EXISTS annotations_trace ON annotations (trace_id);
            CREATE INDEX IF NOT EXISTS annotations_name_updated ON annotations (name, updated_at);
            """),
    ];

    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _migrate = new(1, 1);
    private volatile bool _migrated;

    public PostgresAnnotationDatabase(IOptions<StorageOptions> options)
    {
        _dataSource = PostgresReadPools.Create(options.Value, "llmobs-annotations");
    }

    public ISqlDialect Dialect => PostgresDialect.Instance;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (!_migrated)
        {
            await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        return connection;
    }

    public DbParameter Parameter(string name, object? value) => new NpgsqlParameter(name, value ?? DBNull.Value);

    private async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
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
                $"CREATE TABLE IF NOT EXISTS {AnnotationMigrations.Table} (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL)",
                "SELECT pg_advisory_xact_lock(7237010332)", // servers starting together take turns; any fixed key but the span store's
                (name, value) => new NpgsqlParameter(name, value),
                Dialect.Placeholder,
                cancellationToken).ConfigureAwait(false);
            _migrated = true;
        }
        finally
        {
            _migrate.Release();
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
