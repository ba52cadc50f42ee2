using Npgsql;

namespace LlmObs.Server.Storage.Postgres;

/// <summary>
/// The connection pools that read and aggregate the PostgreSQL store beside the writers (queries, rollups,
/// annotations): each its own, named for <c>pg_stat_activity</c>, in the session time zone UTC, where date_trunc on
/// timestamptz cuts the hours and days every query and rollup groups by.
/// </summary>
internal static class PostgresReadPools
{
    public static NpgsqlDataSource Create(StorageOptions options, string applicationName)
    {
        var connectionString = options.ConnectionString
            ?? throw new InvalidOperationException("The PostgreSQL store has no connection string.");
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timezone = "UTC", ApplicationName = applicationName };
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }
}
