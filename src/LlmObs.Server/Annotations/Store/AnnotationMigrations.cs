using System.Data.Common;

namespace LlmObs.Server.Annotations.Store;

/// <summary>
/// Numbered schema changes of the annotation tables, recorded in a table of their own
/// (<c>llmobs_annotation_migrations</c>) so they never interleave with the span store's numbering.
/// </summary>
internal static class AnnotationMigrations
{
    public const string Table = "llmobs_annotation_migrations";

    /// <summary>Applies what <paramref name="migrations"/> holds beyond the recorded version, each with its record, in one transaction.</summary>
    public static async Task ApplyAsync(
        DbConnection connection,
        IReadOnlyList<(int Version, string Description, string Sql)> migrations,
        string createTable,
        string? lockStatement,
        Func<string, object, DbParameter> parameter,
        Func<string, string> placeholder,
        CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (lockStatement is not null)
        {
            await ExecuteAsync(connection, transaction, lockStatement, cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, createTable, cancellationToken).ConfigureAwait(false);
        int current;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = $"SELECT coalesce(max(version), 0) FROM {Table}";
            current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (version, description, sql) in migrations.Where(m => m.Version > current))
        {
            await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = $"INSERT INTO {Table} (version, description, applied_at) VALUES ({placeholder("version")}, {placeholder("description")}, {placeholder("at")})";
            record.Parameters.Add(parameter("version", version));
            record.Parameters.Add(parameter("description", description));
            record.Parameters.Add(parameter("at", DateTime.UtcNow));
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
