using Npgsql;

namespace LlmObs.Server.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema as numbered migrations, applied at start in one transaction under an advisory lock,
/// so servers starting together neither race nor apply a migration twice. Tables go in the first schema of the
/// connection's search path. To add a column (e.g. <c>project</c>), append a migration and add the column to
/// <see cref="PostgresBatchWriter"/>'s COPY list.
/// </summary>
internal static class PostgresSchema
{
    // Before Migrations, which reads it: static fields are initialised in order.
    /// <summary>
    /// The SQL of the columns the queries read instead of parsing the attributes JSON of every row
    /// (<see cref="Query.Sql.SpanSql.QueryColumnExpressions"/>), over the column <c>attributes</c>.
    /// </summary>
    public static readonly (string UserId, string TtftMs, string SessionId) QueryColumns =
        Query.Sql.SpanSql.QueryColumnExpressions(Query.Postgres.PostgresDialect.Instance, "attributes");

    private static readonly (int Version, string Description, string Sql)[] Migrations =
    [
        (1, "spans and content, partitioned by day", """
            CREATE TABLE spans (
                -- Lowercase hex as in DuckDB and the API, so queries and answers are the same in both engines;
                -- "C" collation compares bytes (faster, and orders like the hex it is).
                trace_id           text COLLATE "C" NOT NULL,
                span_id            text COLLATE "C" NOT NULL,
                parent_span_id     text COLLATE "C",
                name               text             NOT NULL,
                kind               integer          NOT NULL,
                service_name       text             NOT NULL,
                scope_name         text,
                start_time         timestamptz      NOT NULL,
                end_time           timestamptz      NOT NULL,
                duration_ms        double precision NOT NULL,
                status_code        integer          NOT NULL,
                status_message     text,
                llm_kind           text,
                operation          text,
                provider           text,
                model              text,
                input_tokens       bigint,
                output_tokens      bigint,
                cache_read_tokens  bigint,
                cache_write_tokens bigint,
                reasoning_tokens   bigint,
                cost_usd           double precision,
                cost_source        text,
                feature            text,
                -- text, not jsonb: parsing every attribute object on ingest would halve COPY throughput, and the API
                -- serves the text as it is.
                attributes         text             NOT NULL,
                resource           text             NOT NULL,
                events             text,
                content_refs       text,
                -- A partitioned table's unique key must hold the partition key; a retried span has the same start time.
                PRIMARY KEY (trace_id, span_id, start_time)
            ) PARTITION BY RANGE (start_time);

            CREATE TABLE content (
                day    date    NOT NULL,
                hash   bytea   NOT NULL,
                length integer NOT NULL,
                data   bytea   NOT NULL,
                PRIMARY KEY (day, hash)
            ) PARTITION BY RANGE (day);

            -- Already Brotli-compressed: spare PostgreSQL a second, futile compression attempt.
            ALTER TABLE content ALTER COLUMN data SET STORAGE EXTERNAL;
            """),
        (2, "user_id and ttft_ms read from the attributes once, at write time", $"""
            ALTER TABLE spans ADD COLUMN user_id text, ADD COLUMN ttft_ms double precision;
            UPDATE spans SET user_id = {QueryColumns.UserId}, ttft_ms = {QueryColumns.TtftMs}
            WHERE strpos(attributes, 'user.id') > 0 OR strpos(attributes, 'time_to_first_chunk') > 0;
            """),
        (3, "project of every span (resource attribute, x-project-name header or default)", """
            ALTER TABLE spans ADD COLUMN project text;
            UPDATE spans SET project = coalesce(resource::jsonb ->> 'openinference.project.name', resource::jsonb ->> 'llmobs.project', 'default');
            """),
        (4, "content searchable as text (older content keeps only its compressed copy)", """
            ALTER TABLE content ADD COLUMN text text;
            """),
        // Empty tables only: the rollup service fills them in the background from the oldest span on
        // (Storage/Rollups), so a server start is not held up by the backfill. No trace index: the primary key is one.
        (5, "rollups: hourly calls, daily users and value histograms", """
            CREATE TABLE rollup_state (rolled_until timestamptz NOT NULL);
            CREATE TABLE rollup_dirty (hour timestamptz NOT NULL);
            CREATE TABLE rollup_calls (
                bucket             timestamptz      NOT NULL,
                project            text,
                service_name       text             NOT NULL,
                llm_kind           text,
                provider           text,
                model              text,
                feature            text,
                is_error           boolean          NOT NULL,
                spans              bigint           NOT NULL,
                input_tokens       bigint,
                output_tokens      bigint,
                cache_read_tokens  bigint,
                cache_write_tokens bigint,
                reasoning_tokens   bigint,
                cost_usd           double precision,
                duration_ms        double precision
            );
            CREATE INDEX rollup_calls_bucket ON rollup_calls (bucket);
            CREATE TABLE rollup_users (
                bucket            timestamptz      NOT NULL,
                project           text,
                service_name      text             NOT NULL,
                user_id           text,
                calls             bigint           NOT NULL,
                input_tokens      bigint,
                output_tokens     bigint,
                cache_read_tokens bigint,
                cost_usd          double precision
            );
            CREATE INDEX rollup_users_bucket ON rollup_users (bucket);
            CREATE TABLE rollup_values (
                bucket       timestamptz      NOT NULL,
                project      text,
                service_name text             NOT NULL,
                llm_kind     text,
                provider     text,
                model        text,
                feature      text,
                is_error     boolean          NOT NULL,
                metric       smallint         NOT NULL,
                bin          integer          NOT NULL,
                n            bigint           NOT NULL,
                total        double precision NOT NULL,
                min_value    double precision NOT NULL,
                max_value    double precision NOT NULL
            );
            CREATE INDEX rollup_values_bucket ON rollup_values (bucket);
            """),
        // Emptying rollup_state makes the rollup service roll everything up again, hourly users included.
        (6, "hourly user rollups for the edges of a period", """
            CREATE TABLE rollup_users_hourly (
                bucket            timestamptz      NOT NULL,
                project           text,
                service_name      text             NOT NULL,
                user_id           text,
                calls             bigint           NOT NULL,
                input_tokens      bigint,
                output_tokens     bigint,
                cache_read_tokens bigint,
                cost_usd          double precision
            );
            CREATE INDEX rollup_users_hourly_bucket ON rollup_users_hourly (bucket);
            DELETE FROM rollup_state;
            """),
        (7, "daily user rollups without service and project (one row per day and user)", """
            CREATE TABLE rollup_user_days (
                bucket            timestamptz      NOT NULL,
                user_id           text,
                calls             bigint           NOT NULL,
                input_tokens      bigint,
                output_tokens     bigint,
                cache_read_tokens bigint,
                cost_usd          double precision
            );
            CREATE INDEX rollup_user_days_bucket ON rollup_user_days (bucket);
            INSERT INTO rollup_user_days
            SELECT bucket, user_id, sum(calls), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cost_usd)
            FROM rollup_users GROUP BY 1, 2;
            """),
        // trace-by-id has the primary key; the traces list reads which hours a trace has spans in from here.
        // Emptying rollup_state makes the rollup service roll everything up again, filling it.
        (8, "trace_index: the hours each trace has spans in", """
            CREATE TABLE trace_index (
                hour        timestamptz      NOT NULL,
                trace_id    text COLLATE "C" NOT NULL,
                first_start timestamptz      NOT NULL,
                last_start  timestamptz      NOT NULL
            );
            CREATE INDEX trace_index_hour ON trace_index (hour);
            DELETE FROM rollup_state;
            """),
        (9, "the user of spans that carry only LlmObs's user.hash", $"""
            INSERT INTO rollup_dirty (hour) SELECT DISTINCT date_trunc('hour', start_time, 'UTC') FROM spans
            WHERE user_id IS NULL AND strpos(attributes, 'user.hash') > 0;
            UPDATE spans SET user_id = {QueryColumns.UserId} WHERE user_id IS NULL AND strpos(attributes, 'user.hash') > 0;
            """),
        (10, "content stored once, as text (data keeps the Brotli copy of content stored before migration 4)", """
            ALTER TABLE content ALTER COLUMN data DROP NOT NULL;
            """),
        // Emptying rollup_state makes the rollup service roll everything up again, filling it.
        (11, "each day's 100 most expensive calls", """
            CREATE TABLE rollup_top_calls (
                bucket     timestamptz      NOT NULL,
                trace_id   text COLLATE "C" NOT NULL,
                span_id    text COLLATE "C" NOT NULL,
                start_time timestamptz      NOT NULL,
                cost_usd   double precision NOT NULL
            );
            CREATE INDEX rollup_top_calls_bucket ON rollup_top_calls (bucket);
            DELETE FROM rollup_state;
            """),
        // PostgreSQL compresses every TOASTed value with pglz by default, which under sustained ingest took a quarter of
        // the database's CPU on content text alone; lz4, where the server is built with it (Debian's is), does the same
        // job several times faster. ALTER on a partitioned table does not reach its partitions, so each one is altered
        // too; partitions made later take the parent's method. Values stored before keep their pglz copy (read the same).
        (12, "large text values compressed with lz4 where PostgreSQL has it", """
            DO $$
            DECLARE
                partition regclass;
            BEGIN
                IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
                    ALTER TABLE content ALTER COLUMN text SET COMPRESSION lz4;
                    ALTER TABLE spans ALTER COLUMN attributes SET COMPRESSION lz4, ALTER COLUMN events SET COMPRESSION lz4;
                    FOR partition IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'content'::regclass LOOP
                        EXECUTE format('ALTER TABLE %s ALTER COLUMN text SET COMPRESSION lz4', partition);
                    END LOOP;
                    FOR partition IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'spans'::regclass LOOP
                        EXECUTE format('ALTER TABLE %s ALTER COLUMN attributes SET COMPRESSION lz4, ALTER COLUMN events SET COMPRESSION lz4', partition);
                    END LOOP;
                END IF;
            END $$;
            """),
        (13, "session_id read from the attributes once, at write time", $"""
            ALTER TABLE spans ADD COLUMN IF NOT EXISTS session_id text;
            UPDATE spans SET session_id = {QueryColumns.SessionId}
            WHERE strpos(attributes, 'session') > 0 OR strpos(attributes, 'conversation.id') > 0;
            """),
    ];


    public static async Task MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(7237010331)", cancellationToken).ConfigureAwait(false); // any fixed key
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS llmobs_migrations (
                version     integer     PRIMARY KEY,
                description text        NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now())
            """, cancellationToken).ConfigureAwait(false);

        int current;
        await using (var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM llmobs_migrations", connection))
        {
            current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
        }

        foreach (var (version, description, sql) in Migrations.Where(m => m.Version > current))
        {
            await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand("INSERT INTO llmobs_migrations (version, description) VALUES (@version, @description)", connection);
            record.Parameters.AddWithValue("version", version);
            record.Parameters.AddWithValue("description", description);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
