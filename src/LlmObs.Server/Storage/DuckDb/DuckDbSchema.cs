using DuckDB.NET.Data;

namespace LlmObs.Server.Storage.DuckDb;

/// <summary>
/// The DuckDB file's schema as numbered migrations. Each runs once, in its own transaction with the row that
/// records it; a file made before migrations existed (spans table only) passes migration 1 unchanged. A migration
/// for new stores only is recorded as skipped in a store that already holds spans.
/// To add a column (e.g. <c>project</c>), append a migration and the value in <see cref="DuckDbSpanStore"/>'s appender, in column order.
/// </summary>
internal static class DuckDbSchema
{
    // Before Migrations, which reads it: static fields are initialised in order.
    /// <summary>
    /// The SQL of the columns the queries read instead of parsing the attributes JSON of every row
    /// (<see cref="Query.Sql.SpanSql.QueryColumnExpressions"/>), over the column <c>attributes</c>.
    /// </summary>
    public static readonly (string UserId, string TtftMs, string SessionId) QueryColumns =
        Query.Sql.SpanSql.QueryColumnExpressions(Query.DuckDb.DuckDbDialect.Instance, "attributes");

    private static readonly (int Version, string Description, string Sql, bool NewStoreOnly)[] Migrations =
    [
        (1, "spans", """
            CREATE TABLE IF NOT EXISTS spans (
                trace_id           VARCHAR   NOT NULL,
                span_id            VARCHAR   NOT NULL,
                parent_span_id     VARCHAR,
                name               VARCHAR   NOT NULL,
                kind               INTEGER   NOT NULL,
                service_name       VARCHAR   NOT NULL,
                scope_name         VARCHAR,
                start_time         TIMESTAMP NOT NULL,
                end_time           TIMESTAMP NOT NULL,
                duration_ms        DOUBLE    NOT NULL,
                status_code        INTEGER   NOT NULL,
                status_message     VARCHAR,
                llm_kind           VARCHAR,
                operation          VARCHAR,
                provider           VARCHAR,
                model              VARCHAR,
                input_tokens       BIGINT,
                output_tokens      BIGINT,
                cache_read_tokens  BIGINT,
                cache_write_tokens BIGINT,
                reasoning_tokens   BIGINT,
                cost_usd           DOUBLE,
                cost_source        VARCHAR,
                feature            VARCHAR,
                attributes         VARCHAR   NOT NULL,
                resource           VARCHAR   NOT NULL,
                events             VARCHAR
            );
            """, false),
        (2, "large values out of line", """
            ALTER TABLE spans ADD COLUMN IF NOT EXISTS content_refs VARCHAR;
            CREATE TABLE IF NOT EXISTS content (
                day    DATE    NOT NULL,
                hash   VARCHAR NOT NULL,
                length INTEGER NOT NULL,
                data   BLOB    NOT NULL
            );
            """, false),
        (3, "user_id and ttft_ms read from the attributes once, at write time", $"""
            ALTER TABLE spans ADD COLUMN IF NOT EXISTS user_id VARCHAR;
            ALTER TABLE spans ADD COLUMN IF NOT EXISTS ttft_ms DOUBLE;
            UPDATE spans SET user_id = {QueryColumns.UserId}, ttft_ms = {QueryColumns.TtftMs}
            WHERE contains(attributes, 'user.id') OR contains(attributes, 'time_to_first_chunk');
            """, false),
        (4, "project of every span (resource attribute, x-project-name header or default)", """
            ALTER TABLE spans ADD COLUMN IF NOT EXISTS project VARCHAR;
            UPDATE spans SET project = coalesce(
                json_extract_string(resource, '$."openinference.project.name"'), json_extract_string(resource, '$."llmobs.project"'), 'default')
            WHERE project IS NULL;
            """, false),
        (5, "content searchable as text (older content keeps only its compressed copy)", """
            ALTER TABLE content ADD COLUMN IF NOT EXISTS text VARCHAR;
            """, false),
        // Empty tables only: the rollup service fills them in the background from the oldest span on
        // (Storage/Rollups), so opening a large store is not held up by the backfill.
        (6, "rollups: hourly calls, daily users and value histograms, trace index", """
            CREATE TABLE IF NOT EXISTS rollup_state (rolled_until TIMESTAMP NOT NULL);
            CREATE TABLE IF NOT EXISTS rollup_dirty (hour TIMESTAMP NOT NULL);
            CREATE TABLE IF NOT EXISTS rollup_calls (
                bucket             TIMESTAMP NOT NULL,
                project            VARCHAR,
                service_name       VARCHAR   NOT NULL,
                llm_kind           VARCHAR,
                provider           VARCHAR,
                model              VARCHAR,
                feature            VARCHAR,
                is_error           BOOLEAN   NOT NULL,
                spans              BIGINT    NOT NULL,
                input_tokens       BIGINT,
                output_tokens      BIGINT,
                cache_read_tokens  BIGINT,
                cache_write_tokens BIGINT,
                reasoning_tokens   BIGINT,
                cost_usd           DOUBLE,
                duration_ms        DOUBLE
            );
            CREATE TABLE IF NOT EXISTS rollup_users (
                bucket            TIMESTAMP NOT NULL,
                project           VARCHAR,
                service_name      VARCHAR   NOT NULL,
                user_id           VARCHAR,
                calls             BIGINT    NOT NULL,
                input_tokens      BIGINT,
                output_tokens     BIGINT,
                cache_read_tokens BIGINT,
                cost_usd          DOUBLE
            );
            CREATE TABLE IF NOT EXISTS rollup_values (
                bucket       TIMESTAMP NOT NULL,
                project      VARCHAR,
                service_name VARCHAR   NOT NULL,
                llm_kind     VARCHAR,
                provider     VARCHAR,
                model        VARCHAR,
                feature      VARCHAR,
                is_error     BOOLEAN   NOT NULL,
                metric       SMALLINT  NOT NULL,
                bin          INTEGER   NOT NULL,
                n            BIGINT    NOT NULL,
                total        DOUBLE    NOT NULL,
                min_value    DOUBLE    NOT NULL,
                max_value    DOUBLE    NOT NULL
            );
            CREATE TABLE IF NOT EXISTS trace_index (
                hour        TIMESTAMP NOT NULL,
                trace_id    VARCHAR   NOT NULL,
                first_start TIMESTAMP NOT NULL,
                last_start  TIMESTAMP NOT NULL
            );
            """, false),
        // Emptying rollup_state makes the rollup service roll everything up again, hourly users included.
        // The ART index is on trace_index, which only the rollup job writes: ingest pays nothing for it.
        (7, "hourly user rollups for the edges of a period; trace_index looked up by an index", """
            CREATE TABLE IF NOT EXISTS rollup_users_hourly (
                bucket            TIMESTAMP NOT NULL,
                project           VARCHAR,
                service_name      VARCHAR   NOT NULL,
                user_id           VARCHAR,
                calls             BIGINT    NOT NULL,
                input_tokens      BIGINT,
                output_tokens     BIGINT,
                cache_read_tokens BIGINT,
                cost_usd          DOUBLE
            );
            CREATE INDEX IF NOT EXISTS trace_index_trace_id ON trace_index (trace_id);
            DELETE FROM rollup_state;
            """, false),
        (8, "daily user rollups without service and project (one row per day and user)", """
            CREATE TABLE IF NOT EXISTS rollup_user_days (
                bucket            TIMESTAMP NOT NULL,
                user_id           VARCHAR,
                calls             BIGINT    NOT NULL,
                input_tokens      BIGINT,
                output_tokens     BIGINT,
                cache_read_tokens BIGINT,
                cost_usd          DOUBLE
            );
            INSERT INTO rollup_user_days
            SELECT bucket, user_id, sum(calls), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cost_usd)
            FROM rollup_users GROUP BY 1, 2 ORDER BY 1;
            """, false),
        (9, "the user of spans that carry only LlmObs's user.hash", $"""
            INSERT INTO rollup_dirty SELECT DISTINCT date_trunc('hour', start_time) FROM spans
            WHERE user_id IS NULL AND contains(attributes, 'user.hash');
            UPDATE spans SET user_id = {QueryColumns.UserId} WHERE user_id IS NULL AND contains(attributes, 'user.hash');
            """, false),
        (10, "content stored once, as text (data keeps the Brotli copy of content stored before migration 5)", """
            ALTER TABLE content ALTER COLUMN data DROP NOT NULL;
            """, false),
        // Emptying rollup_state makes the rollup service roll everything up again, filling it.
        (11, "each day's 100 most expensive calls", """
            CREATE TABLE IF NOT EXISTS rollup_top_calls (
                bucket     TIMESTAMP NOT NULL,
                trace_id   VARCHAR   NOT NULL,
                span_id    VARCHAR   NOT NULL,
                start_time TIMESTAMP NOT NULL,
                cost_usd   DOUBLE    NOT NULL
            );
            DELETE FROM rollup_state;
            """, false),
        // At each checkpoint DuckDB picks a compression per segment by analysing every value with every method; for the two
        // large text columns (a span's attributes, a content value's text) that is always FSST, reached after hashing each
        // value for a dictionary that never wins: a fifth of the checkpoint, during which the single writer waits. A column's
        // compression can only be set when its table is made, so only a store without spans gets it (its empty tables are
        // made again); an older store keeps DuckDB's choice, which reads the same.
        (12, "the large text columns always FSST-compressed (a store made before keeps DuckDB's choice)", """
            DROP TABLE spans;
            CREATE TABLE spans (
                trace_id           VARCHAR   NOT NULL,
                span_id            VARCHAR   NOT NULL,
                parent_span_id     VARCHAR,
                name               VARCHAR   NOT NULL,
                kind               INTEGER   NOT NULL,
                service_name       VARCHAR   NOT NULL,
                scope_name         VARCHAR,
                start_time         TIMESTAMP NOT NULL,
                end_time           TIMESTAMP NOT NULL,
                duration_ms        DOUBLE    NOT NULL,
                status_code        INTEGER   NOT NULL,
                status_message     VARCHAR,
                llm_kind           VARCHAR,
                operation          VARCHAR,
                provider           VARCHAR,
                model              VARCHAR,
                input_tokens       BIGINT,
                output_tokens      BIGINT,
                cache_read_tokens  BIGINT,
                cache_write_tokens BIGINT,
                reasoning_tokens   BIGINT,
                cost_usd           DOUBLE,
                cost_source        VARCHAR,
                feature            VARCHAR,
                attributes         VARCHAR   NOT NULL USING COMPRESSION fsst,
                resource           VARCHAR   NOT NULL,
                events             VARCHAR,
                content_refs       VARCHAR,
                user_id            VARCHAR,
                ttft_ms            DOUBLE,
                project            VARCHAR
            );
            DROP TABLE content;
            CREATE TABLE content (
                day    DATE    NOT NULL,
                hash   VARCHAR NOT NULL,
                length INTEGER NOT NULL,
                data   BLOB,
                text   VARCHAR USING COMPRESSION fsst
            );
            """, true),
        (13, "session_id read from the attributes once, at write time", $"""
            ALTER TABLE spans ADD COLUMN IF NOT EXISTS session_id VARCHAR;
            UPDATE spans SET session_id = {QueryColumns.SessionId}
            WHERE contains(attributes, 'session') OR contains(attributes, 'conversation.id');
            """, false),
    ];


    public static void Migrate(DuckDBConnection connection)
    {
        Execute(connection, "CREATE TABLE IF NOT EXISTS llmobs_migrations (version INTEGER NOT NULL, description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)");
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT coalesce(max(version), 0) FROM llmobs_migrations";
        var current = Convert.ToInt32(read.ExecuteScalar());
        foreach (var (version, description, sql, newStoreOnly) in Migrations)
        {
            if (version <= current)
            {
                continue;
            }

            using var transaction = connection.BeginTransaction();
            var skipped = newStoreOnly && HoldsSpans(connection);
            if (!skipped)
            {
                Execute(connection, sql);
            }

            using var record = connection.CreateCommand();
            record.CommandText = "INSERT INTO llmobs_migrations VALUES ($version, $description, now())";
            record.Parameters.Add(new DuckDBParameter("version", version));
            record.Parameters.Add(new DuckDBParameter("description", skipped ? description + " — skipped: the store held spans" : description));
            record.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    private static bool HoldsSpans(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM spans) OR EXISTS (SELECT 1 FROM content)";
        return Convert.ToBoolean(command.ExecuteScalar());
    }

    public static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
