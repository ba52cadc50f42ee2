using LlmObs.Server.Ingest;
using LlmObs.Server.Storage;
using LlmObs.Server.Storage.DuckDb;
using LlmObs.Server.Storage.Postgres;
using LlmObs.Server.Storage.Maintenance;
using LlmObs.Server.Storage.Retention;
using static LlmObs.Server.Tests.Storage.TestSpans;

namespace LlmObs.Server.Tests.Storage;

/// <summary>
/// The writers' fast paths: <c>user_id</c> and <c>ttft_ms</c> read at ingest in process (<see cref="QueryColumnValues"/>)
/// must hold what the engine's SQL expressions give, and spans appended or copied straight into <c>spans</c> (skipping
/// the anti-join / ON CONFLICT staging) must still leave every span stored exactly once: nothing duplicated, nothing lost.
/// </summary>
public abstract class WritePathContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal abstract StoreHarness CreateHarness();

    private protected abstract (string UserId, string TtftMs, string SessionId) SqlQueryColumns { get; }

    /// <summary>Attribute objects at the edges of what the two engines' SQL reads alike.</summary>
    private static readonly string[] EdgeAttributes =
    [
        """{"user.id":"u-1"}""",
        """{"enduser.id":"e-1"}""",
        """{"user.hash":"h-1","other":1}""",
        """{"user.id":"u-2","enduser.id":"e-2","user.hash":"h-2"}""",
        """{"user.hash":"h-3","enduser.id":"e-3"}""",
        """{"user.id":null,"enduser.id":"e-4"}""",
        """{"user.id":"first","user.id":"second"}""",
        """{"user.id":42}""",
        """{"user.id":4.50}""",
        """{"user.id":true}""",
        """{"user.id":["a"]}""",
        """{"user.id":{"a":1}}""",
        """{"user.id":""}""",
        """{"langfuse.user.id":"lf-1"}""",
        """{"langfuse.user.id":"lf-2","user.hash":"h-5"}""",
        """{"langfuse.trace.user_id":"lf-3","user.id":"u-5"}""",
        """{"nested":{"user.id":"n-1"}}""",
        """{"user\u002eid":"escaped key"}""",
        """{"user.id":"\u00fcs\u00e9r \"quoted\" \\ back"}""",
        """{"user.id":"ünïcödé ✓"}""",
        """{"gen_ai.response.time_to_first_chunk":0.25}""",
        """{"gen_ai.response.time_to_first_chunk":12}""",
        """{"gen_ai.response.time_to_first_chunk":0}""",
        """{"gen_ai.response.time_to_first_chunk":0.1234567890123456789}""",
        """{"gen_ai.response.time_to_first_chunk":1.5E-1}""",
        """{"gen_ai.response.time_to_first_chunk":-0.5}""",
        """{"gen_ai.response.time_to_first_chunk":"0.25"}""",
        """{"gen_ai.response.time_to_first_chunk":"abc"}""",
        """{"gen_ai.response.time_to_first_chunk":""}""",
        """{"gen_ai.response.time_to_first_chunk":" 1"}""",
        """{"gen_ai.response.time_to_first_chunk":null}""",
        """{"gen_ai.response.time_to_first_chunk":true}""",
        """{"gen_ai.response.time_to_first_chunk":[1]}""",
        """{"gen_ai.response.time_to_first_chunk":0.2,"gen_ai.response.time_to_first_chunk":0.3}""",
        """{"time_to_first_chunk":0.2}""",
        """{"gen_ai.response.time_to_first_chunk":0.2,"user.id":"u-6","gen_ai.request.model":"gpt-4o"}""",
        """{}""",
        // Sessions: every convention's key, their coalesce order, and the forms the engines read differently.
        """{"session.id":"s-1"}""",
        """{"gen_ai.conversation.id":"c-1"}""",
        """{"langfuse.session.id":"lf-s"}""",
        """{"traceloop.association.properties.session_id":"tl-s"}""",
        """{"ai.telemetry.metadata.sessionId":"v-s"}""",
        """{"gen_ai.conversation.id":"c-2","session.id":"s-2"}""",
        """{"session.id":null,"langfuse.session.id":"lf-2"}""",
        """{"session.id":"a","session.id":"b"}""",
        """{"session.id":7}""",
        """{"session\u002eid":"escaped key"}""",
        """{"session.id":"s\u00e9ssion \"quoted\""}""",
        """{"gen_ai.input.messages":"which session.id is mine?"}""",
        """{"session.id":"s-3","user.id":"u-8","gen_ai.response.time_to_first_chunk":0.3}""",
    ];

    [Fact]
    public async Task User_time_to_first_token_and_session_read_at_ingest_are_what_the_engines_sql_reads()
    {
        await using var harness = CreateHarness();
        harness.Options.LargeValueBytes = 1024;
        var store = await harness.OpenAsync();
        var start = DateTime.UtcNow.AddMinutes(-1);
        var traceId = NewTraceId();
        var attributes = EdgeAttributes.ToList();
        // With a large value moved out of the row: the columns are read from what the row keeps.
        attributes.Add($$"""{"gen_ai.input.messages":"{{string.Concat(Enumerable.Repeat("prompt ", 500))}}","user.id":"u-7","gen_ai.response.time_to_first_chunk":0.7}""");
        var spans = attributes.Select((a, i) => Span(traceId, $"s{i}", start.AddMilliseconds(i), attributes: a)).ToList();

        await store.WriteAsync(spans, Ct);

        Assert.Equal((long)spans.Count, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM spans")));
        var (user, ttft, session) = SqlQueryColumns;
        Assert.Equal(0L, Convert.ToInt64(await harness.ScalarAsync(
            $"SELECT count(*) FROM spans WHERE user_id IS DISTINCT FROM ({user}) OR ttft_ms IS DISTINCT FROM ({ttft}) OR session_id IS DISTINCT FROM ({session})")));
        // Not vacuous: the plain forms are there with their values.
        Assert.Equal(2L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM spans WHERE user_id IN ('u-1', 'u-7')")));
        Assert.Equal(250.0, Convert.ToDouble(await harness.ScalarAsync("SELECT min(ttft_ms) FROM spans WHERE name = 's20'")), 9);
        Assert.Equal("h-5", await harness.ScalarAsync("SELECT user_id FROM spans WHERE name = 's14'"));
        Assert.Equal(6L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM spans WHERE session_id IN ('s-1', 'c-1', 'lf-s', 'tl-s', 'v-s', 's-2')")));
    }

    [Fact]
    public async Task A_retry_after_a_restart_is_stored_once()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var recent = Request(DateTime.UtcNow.AddSeconds(-5));
        var old = Request(DateTime.UtcNow.AddHours(-3)); // older than what the writer remembers
        await store.WriteAsync(recent, Ct);
        await store.WriteAsync(old, Ct);

        await harness.CloseAsync();
        store = await harness.OpenAsync();
        await store.WriteAsync(recent, Ct); // acknowledged before the restart, retried after it
        await store.WriteAsync(old, Ct);
        await store.WriteAsync([.. recent, .. old, .. Request(DateTime.UtcNow)], Ct); // and mixed with new spans in one batch

        Assert.Equal(9L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM spans")));
        Assert.Equal(9L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(DISTINCT span_id) FROM spans")));
    }

    [Fact]
    public async Task Content_repeated_after_a_restart_and_in_later_batches_is_stored_once()
    {
        await using var harness = CreateHarness();
        harness.Options.LargeValueBytes = 1024;
        var store = await harness.OpenAsync();
        var prompt = $$"""{"gen_ai.input.messages":"{{string.Concat(Enumerable.Repeat("system prompt ", 200))}}"}""";
        SpanRecord Prompted(DateTime start) => Span(NewTraceId(), "chat", start, attributes: prompt);
        await store.WriteAsync([Prompted(DateTime.UtcNow.AddSeconds(-5))], Ct);
        await store.WriteAsync([Prompted(DateTime.UtcNow.AddSeconds(-4))], Ct);

        await harness.CloseAsync();
        store = await harness.OpenAsync();
        await store.WriteAsync([Prompted(DateTime.UtcNow.AddSeconds(-3)), Prompted(DateTime.UtcNow.AddSeconds(-2))], Ct);
        await store.WriteAsync([Prompted(DateTime.UtcNow.AddSeconds(-1))], Ct);

        Assert.Equal(5L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM spans")));
        Assert.Equal(1L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM content")));
    }

    [Fact]
    public async Task Content_sent_again_after_clear_is_stored_again_and_read_whole()
    {
        await using var harness = CreateHarness();
        harness.Options.LargeValueBytes = 1024;
        var store = await harness.OpenAsync();
        var prompt = $$"""{"gen_ai.input.messages":"{{string.Concat(Enumerable.Repeat("cleared prompt ", 200))}}"}""";
        var first = Span(NewTraceId(), "chat", DateTime.UtcNow.AddSeconds(-5), attributes: prompt);
        await store.WriteAsync([first], Ct);

        await ((IStoreMaintenance)store).ClearAsync(Ct);
        var again = Span(NewTraceId(), "chat", DateTime.UtcNow.AddSeconds(-4), attributes: prompt);
        await store.WriteAsync([again], Ct);
        await store.WriteAsync([first], Ct);

        Assert.Equal(1L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM content")));
        Assert.Equal(again, Assert.Single(await store.GetTraceAsync(again.TraceId, Ct)).Span);
        Assert.Equal(first, Assert.Single(await store.GetTraceAsync(first.TraceId, Ct)).Span);
    }

    [Fact]
    public async Task Spans_sent_again_after_clear_are_stored_again()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var request = Request(DateTime.UtcNow.AddSeconds(-5));
        await store.WriteAsync(request, Ct);

        await ((IStoreMaintenance)store).ClearAsync(Ct);
        await store.WriteAsync(request, Ct);
        await store.WriteAsync(request, Ct);

        Assert.Equal(3L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM spans")));
    }

    [Fact]
    public async Task Spans_sent_again_after_retention_removed_their_day_are_stored_again()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var now = DateTime.UtcNow;
        var request = Request(now.Date.AddDays(-2).AddHours(1));
        await store.WriteAsync(request, Ct);

        await harness.Retention.ApplyRetentionAsync(new RetentionPolicy(TimeSpan.FromDays(1), null), now, Ct);
        Assert.Equal(0L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM spans")));
        await store.WriteAsync(request, Ct);
        await store.WriteAsync(request, Ct);

        Assert.Equal(3L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM spans")));
    }

    [Fact]
    public async Task Retries_racing_many_new_spans_leave_each_span_once()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var requests = Enumerable.Range(0, 40).Select(i => Request(DateTime.UtcNow.AddMilliseconds(-i * 10))).ToList();

        // Every request twice, the second copies racing the first from other tasks.
        await Task.WhenAll(requests.Concat(requests).Select(r => Task.Run(() => store.WriteAsync(r, Ct), Ct)));
        await Task.WhenAll(requests.Select(r => store.WriteAsync(r, Ct)));

        Assert.Equal(120L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM spans")));
        Assert.Equal(120L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(DISTINCT span_id) FROM spans")));
    }

    private static SpanRecord[] Request(DateTime start)
    {
        var traceId = NewTraceId();
        var root = Span(traceId, "POST /ask", start, attributes: """{"user.id":"u"}""");
        return
        [
            root,
            Chat(traceId, root.SpanId, start.AddMilliseconds(1), 10, 1, 0.01, attributes: """{"gen_ai.response.time_to_first_chunk":0.2}"""),
            Span(traceId, "tool", start.AddMilliseconds(2), parent: root.SpanId),
        ];
    }
}

public sealed class DuckDbWritePathTests : WritePathContractTests
{
    internal override StoreHarness CreateHarness() => new DuckDbHarness();

    private protected override (string UserId, string TtftMs, string SessionId) SqlQueryColumns => DuckDbSchema.QueryColumns;

    // DuckDB keeps content once per day only while the value is known (KnownContent is bounded): one forgotten and sent
    // again is stored a second time, and must still read back as the one value.
    [Fact]
    public async Task A_value_stored_twice_in_its_day_reads_back_once()
    {
        await using var harness = CreateHarness();
        harness.Options.LargeValueBytes = 1024;
        var store = await harness.OpenAsync();
        var prompt = $$"""{"gen_ai.input.messages":"{{string.Concat(Enumerable.Repeat("twice stored prompt ", 200))}}"}""";
        var span = Span(NewTraceId(), "chat", DateTime.UtcNow.AddSeconds(-5), attributes: prompt);
        await store.WriteAsync([span], TestContext.Current.CancellationToken);

        await harness.ScalarAsync("INSERT INTO content SELECT * FROM content");

        Assert.Equal(2L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM content")));
        Assert.Equal(span, Assert.Single(await store.GetTraceAsync(span.TraceId, TestContext.Current.CancellationToken)).Span);
    }
}

public sealed class PostgresWritePathTests : WritePathContractTests
{
    internal override StoreHarness CreateHarness() => new PostgresHarness();

    private protected override (string UserId, string TtftMs, string SessionId) SqlQueryColumns => PostgresSchema.QueryColumns;
}
