using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using LlmObs.Server.Storage.DuckDb;

namespace LlmObs.QueryBench;

/// <summary>
/// Writes synthetic traces straight into the store's DuckDB file with one <c>INSERT … SELECT</c> per chunk of
/// traces, every value computed in SQL from <c>range()</c> and <c>hash()</c>: no row passes through .NET.
/// Traces are written in start order, as live ingest writes them, so start_time's zone maps are as tight as real ones.
/// </summary>
internal static class DuckDbGenerator
{
    /// <summary>Traces have 4–12 spans, 8 on average.</summary>
    public const double SpansPerTrace = 8.0;

    public static void Generate(string databasePath, long traces, DateTime end, TimeSpan period, TextWriter log)
    {
        using var connection = new DuckDBConnection($"Data Source={databasePath}");
        connection.Open();
        var start = end - period;
        var stepMicros = period.Ticks / 10.0 / traces;
        const long chunk = 250_000;
        var total = Stopwatch.StartNew();
        for (long t0 = 0; t0 < traces; t0 += chunk)
        {
            var t1 = Math.Min(traces, t0 + chunk);
            var watch = Stopwatch.StartNew();
            using var command = connection.CreateCommand();
            command.CommandText = InsertSql;
            command.Parameters.Add(new DuckDBParameter("t0", t0));
            command.Parameters.Add(new DuckDBParameter("t1", t1));
            command.Parameters.Add(new DuckDBParameter("start", start));
            command.Parameters.Add(new DuckDBParameter("step", stepMicros));
            var rows = command.ExecuteNonQuery();
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  duckdb: traces {t0:N0}–{t1:N0}: {rows:N0} spans in {watch.Elapsed.TotalSeconds:F1} s (total {total.Elapsed.TotalSeconds:F0} s)"));
        }

        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "CHECKPOINT";
        checkpoint.ExecuteNonQuery();
    }

    /// <summary>The <c>session.id</c> the generator puts on the root span of the trace.</summary>
    public static string SessionOf(string traceId) =>
        Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(traceId)));

    /// <summary>The trace id of trace number <paramref name="t"/>, as the generator writes it.</summary>
    public static string TraceId(long t) =>
        Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(t.ToString(CultureInfo.InvariantCulture) + ":trace")));

    // typ: 0 root (HTTP server), 1 chat, 2 embeddings, 3 retrieval, 4 tool, 5 HTTP client, 6 database.
    // 36% + 10% of the non-root spans are model calls: ~40% of all spans.
    // user_id, ttft_ms and session_id are filled as the store fills them on write.
    private static readonly string InsertSql = """
        INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, service_name, scope_name, start_time, end_time, duration_ms,
                           status_code, status_message, llm_kind, operation, provider, model, input_tokens, output_tokens, cache_read_tokens,
                           cache_write_tokens, reasoning_tokens, cost_usd, cost_source, feature, attributes, resource, events, content_refs,
                           user_id, ttft_ms, session_id)
        SELECT g.*, {{USER_ID}}, {{TTFT_MS}}, {{SESSION_ID}}
        FROM (
        WITH tr AS (
            SELECT t,
                   md5(t::VARCHAR || ':trace') AS trace_id,
                   substr(md5(t::VARCHAR || ':0'), 1, 16) AS root_id,
                   $start::TIMESTAMP + to_microseconds(CAST(t * $step AS BIGINT) + CAST(hash(t, 9) % 2000000 AS BIGINT)) AS trace_start,
                   CAST(4 + hash(t, 1) % 9 AS BIGINT) AS n,
                   CAST(hash(t, 2) % 6 AS INTEGER) + 1 AS svc,
                   CAST(hash(t, 3) % 8 AS INTEGER) + 1 AS feat,
                   md5('user:' || CAST(hash(t, 4) % 20000 AS VARCHAR)) AS user_hash
            FROM range($t0, $t1) r(t)
        ),
        sp AS (SELECT tr.*, unnest(range(n)) AS k FROM tr),
        typed AS (
            SELECT sp.*, hash(t, k, 7) AS h,
                   CASE WHEN k = 0 THEN 0
                        WHEN hash(t, k, 7) % 100 < 36 THEN 1
                        WHEN hash(t, k, 7) % 100 < 46 THEN 2
                        WHEN hash(t, k, 7) % 100 < 62 THEN 3
                        WHEN hash(t, k, 7) % 100 < 76 THEN 4
                        WHEN hash(t, k, 7) % 100 < 90 THEN 5
                        ELSE 6 END AS typ
            FROM sp
        ),
        v AS (
            SELECT typed.*,
                   list_element(['rag-api', 'support-bot', 'search-api', 'summariser', 'billing-assistant', 'ingest-worker'], svc) AS service,
                   list_element(['assistant', 'support', 'search', 'assistant', 'billing', 'platform'], svc) AS project,
                   list_element(['ask', 'summarise_thread', 'classify_ticket', 'draft_reply', 'search', 'translate', 'extract_entities', 'chat_assistant'], feat) AS feature_name,
                   list_element([1, 1, 1, 1, 2, 2, 3, 4, 5, 6], CAST((h >> 8) % 10 AS INTEGER) + 1) AS cm,
                   CAST((h >> 12) % 2 AS INTEGER) + 1 AS em,
                   CAST(200 + (h >> 16) % 4000 AS BIGINT) AS tin,
                   CAST(10 + (h >> 16) % 400 AS BIGINT) AS ein,
                   CAST(20 + (h >> 28) % 800 AS BIGINT) AS tout,
                   (h >> 40) % 3 = 0 AS cached,
                   (h >> 44) % 100 = 0 AS err,
                   CAST((h >> 20) % 1000 AS DOUBLE) / 1000.0 AS u1,
                   CAST((h >> 32) % 1000 AS DOUBLE) / 1000.0 AS u2
            FROM typed
        ),
        m AS (
            SELECT v.*,
                   CASE typ WHEN 1 THEN list_element(['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4', 'claude-3-5-haiku', 'gemini-2.0-flash', 'llama-3.1-70b-instruct'], cm)
                            WHEN 2 THEN list_element(['text-embedding-3-small', 'text-embedding-3-large'], em) END AS model_name,
                   CASE typ WHEN 1 THEN list_element(['openai', 'openai', 'anthropic', 'anthropic', 'gcp.gemini', 'aws.bedrock'], cm)
                            WHEN 2 THEN 'openai' END AS provider_name,
                   CASE typ WHEN 0 THEN 200 + u1 * 6000 WHEN 1 THEN 250 + u1 * u1 * 9000 WHEN 2 THEN 15 + u1 * 120
                            WHEN 3 THEN 5 + u1 * 60 WHEN 4 THEN 1 + u1 * 300 WHEN 5 THEN 10 + u1 * 400 ELSE 1 + u1 * 30 END AS dur,
                   CASE WHEN typ = 1 AND cached THEN tin // 2 WHEN typ = 1 THEN 0 END AS cache_read,
                   CASE typ WHEN 1 THEN round(((tin - CASE WHEN cached THEN tin // 2 ELSE 0 END) * list_element([0.15, 2.5, 3.0, 0.8, 0.1, 0.72], cm)
                                              + CASE WHEN cached THEN tin // 2 ELSE 0 END * list_element([0.075, 1.25, 0.3, 0.08, 0.025, 0.72], cm)
                                              + tout * list_element([0.6, 10.0, 15.0, 4.0, 0.4, 0.72], cm)) / 1000000.0, 8)
                            WHEN 2 THEN round(ein * list_element([0.02, 0.13], em) / 1000000.0, 8) END AS cost
            FROM v
        )
        SELECT trace_id,
               CASE WHEN k = 0 THEN root_id ELSE substr(md5(t::VARCHAR || ':' || k::VARCHAR), 1, 16) END,
               CASE WHEN k = 0 THEN NULL ELSE root_id END,
               CASE typ WHEN 0 THEN 'POST /' || feature_name WHEN 1 THEN 'chat ' || model_name WHEN 2 THEN 'embeddings ' || model_name
                        WHEN 3 THEN 'retrieval handbook' WHEN 4 THEN 'execute_tool lookup_order' WHEN 5 THEN 'GET' ELSE 'SELECT documents' END,
               CASE typ WHEN 0 THEN 2 WHEN 4 THEN 1 ELSE 3 END,
               service,
               CASE typ WHEN 0 THEN 'Microsoft.AspNetCore' WHEN 1 THEN 'Experimental.Microsoft.Extensions.AI' WHEN 2 THEN 'Experimental.Microsoft.Extensions.AI'
                        WHEN 3 THEN 'LlmObs.Retrieval' WHEN 4 THEN 'Experimental.Microsoft.Extensions.AI' WHEN 5 THEN 'System.Net.Http' ELSE 'Npgsql' END,
               CASE WHEN k = 0 THEN trace_start ELSE trace_start + to_microseconds(CAST(k * 35000 + (h >> 50) % 20000 AS BIGINT)) END AS start_time,
               CASE WHEN k = 0 THEN trace_start ELSE trace_start + to_microseconds(CAST(k * 35000 + (h >> 50) % 20000 AS BIGINT)) END
                   + to_microseconds(CAST(dur * 1000 AS BIGINT)),
               CAST(CAST(dur * 1000 AS BIGINT) AS DOUBLE) / 1000.0,
               CASE WHEN err THEN 2 ELSE 0 END,
               CASE WHEN err THEN CASE typ WHEN 1 THEN 'Rate limit exceeded (429)' WHEN 0 THEN 'Internal Server Error' ELSE 'Operation failed' END END,
               CASE typ WHEN 1 THEN 'llm' WHEN 2 THEN 'embedding' WHEN 3 THEN 'retrieval' WHEN 4 THEN 'tool' END,
               CASE typ WHEN 1 THEN 'chat' WHEN 2 THEN 'embeddings' WHEN 3 THEN 'retrieval' WHEN 4 THEN 'execute_tool' END,
               provider_name,
               model_name,
               CASE typ WHEN 1 THEN tin WHEN 2 THEN ein END,
               CASE typ WHEN 1 THEN tout END,
               cache_read,
               CASE typ WHEN 1 THEN 0 END,
               CASE typ WHEN 1 THEN CASE WHEN cm = 3 THEN tout // 4 ELSE 0 END END,
               cost,
               CASE WHEN typ IN (1, 2) THEN 'client' END,
               CASE WHEN typ IN (0, 1, 2, 3) THEN feature_name END,
               CASE typ
                   WHEN 0 THEN concat('{"http.request.method":"POST","url.path":"/', feature_name, '","url.scheme":"https","server.address":"', service,
                       '.internal","server.port":8080,"http.response.status_code":', CASE WHEN err THEN 500 ELSE 200 END, ',"http.route":"/', feature_name,
                       '","network.protocol.version":"1.1","user_agent.original":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36","client.address":"10.0.',
                       (h >> 8) % 256, '.', (h >> 16) % 256, '","network.peer.port":', 40000 + (h >> 24) % 20000, ',"llmobs.feature":"', feature_name, '","user.id":"', user_hash,
                       '","session.id":"', substr(md5(trace_id), 1, 32), '","aspnetcore.routing.matched":true,"thread.name":".NET TP Worker"}')
                   WHEN 1 THEN concat('{"gen_ai.operation.name":"chat","gen_ai.provider.name":"', provider_name, '","gen_ai.request.model":"', model_name,
                       '","gen_ai.response.model":"', model_name, '","gen_ai.response.id":"chatcmpl-', substr(md5(trace_id || k::VARCHAR), 1, 24),
                       '","gen_ai.response.finish_reasons":["stop"],"gen_ai.usage.input_tokens":', tin, ',"gen_ai.usage.output_tokens":', tout,
                       ',"gen_ai.usage.cache_read.input_tokens":', cache_read, ',"gen_ai.request.temperature":0.2,"gen_ai.request.max_tokens":1024,"gen_ai.request.top_p":1.0',
                       ',"gen_ai.response.time_to_first_chunk":', round(dur * (0.1 + 0.3 * u2) / 1000.0, 4),
                       ',"server.address":"api.', provider_name, '.com","server.port":443,"llmobs.feature":"', feature_name, '","llmobs.cost.usd":', cost,
                       ',"llmobs.cost.input_usd":', round(cost * 0.6, 8), ',"llmobs.cost.output_usd":', round(cost * 0.4, 8),
                       ',"llmobs.cost.source":"client","llmobs.content.redacted_count":0,"gen_ai.conversation.id":"', substr(md5(trace_id || 'c'), 1, 32), '"}')
                   WHEN 2 THEN concat('{"gen_ai.operation.name":"embeddings","gen_ai.provider.name":"openai","gen_ai.request.model":"', model_name,
                       '","gen_ai.usage.input_tokens":', ein, ',"gen_ai.embeddings.dimension.count":1536,"gen_ai.request.encoding_formats":["float"]',
                       ',"server.address":"api.openai.com","server.port":443,"llmobs.feature":"', feature_name, '","llmobs.cost.usd":', cost, '}')
                   WHEN 3 THEN concat('{"gen_ai.operation.name":"retrieval","gen_ai.data_source.id":"handbook","gen_ai.request.top_k":4,"llmobs.retrieval.returned_count":4',
                       ',"gen_ai.retrieval.query.text":"How long does a refund take for order ', (h >> 8) % 100000, ' and can it be sent to another card?"',
                       ',"db.system.name":"qdrant","server.address":"qdrant.internal","server.port":6334,"llmobs.feature":"', feature_name, '"}')
                   WHEN 4 THEN concat('{"gen_ai.operation.name":"execute_tool","gen_ai.tool.name":"lookup_order","gen_ai.tool.type":"function","gen_ai.tool.call.id":"call_',
                       substr(md5(trace_id || k::VARCHAR || 't'), 1, 24), '"}')
                   WHEN 5 THEN concat('{"http.request.method":"GET","url.full":"https://orders.internal/api/orders/', (h >> 8) % 100000,
                       '","server.address":"orders.internal","server.port":443,"http.response.status_code":', CASE WHEN err THEN 503 ELSE 200 END,
                       ',"network.protocol.version":"2"}')
                   ELSE concat('{"db.system.name":"postgresql","db.namespace":"documents","db.operation.name":"SELECT","db.query.text":"SELECT id, title, body FROM documents WHERE id = ANY($1)","server.address":"pg.internal","server.port":5432}')
               END AS attributes,
               concat('{"service.name":"', service, '","service.version":"1.4.2","service.instance.id":"', service, '-', t % 3,
                      '","llmobs.project":"', project, '","telemetry.sdk.name":"opentelemetry","telemetry.sdk.language":"dotnet","telemetry.sdk.version":"1.20.1","deployment.environment.name":"production","host.name":"',
                      service, '-7f9c', t % 3, '"}'),
               NULL,
               NULL
        FROM m
        ) g
        """.Replace("{{USER_ID}}", DuckDbSchema.QueryColumns.UserId).Replace("{{TTFT_MS}}", DuckDbSchema.QueryColumns.TtftMs)
            .Replace("{{SESSION_ID}}", DuckDbSchema.QueryColumns.SessionId);
}
