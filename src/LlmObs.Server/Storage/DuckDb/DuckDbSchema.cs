namespace LlmObs.Server.Storage.DuckDb;

internal static class DuckDbSchema
{
    // Column order is the appender's contract: DuckDbSpanStore appends values in exactly this order.
    public const string CreateSpans = """
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
        """;
}
