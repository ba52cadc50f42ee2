using LlmObs.Server.Ingest;
using LlmObs.Server.Storage;
using LlmObs.Server.Storage.Retention;
using static LlmObs.Server.Tests.Storage.TestSpans;

namespace LlmObs.Server.Tests.Storage;

/// <summary>
/// What every engine must do alike. Each test runs once per engine through the subclasses below: an engine that
/// answers differently from the other fails here, not in a user's dashboard after switching.
/// </summary>
public abstract class SpanStoreContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal abstract StoreHarness CreateHarness();

    [Fact]
    public async Task Written_spans_are_read_back_field_for_field()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var traceId = NewTraceId();
        var start = DateTime.UtcNow.AddMinutes(-1);
        var root = Span(traceId, "POST /ask", start, attributes: """{"http.request.method":"POST","http.response.status_code":200}""") with
        {
            StatusCode = 2,
            StatusMessage = "boom",
            EventsJson = """[{"name":"exception","time":"2026-01-01T00:00:00.0000000Z","attributes":{"exception.type":"IOException"}}]""",
        };
        var chat = Chat(traceId, root.SpanId, start.AddMilliseconds(1), input: 1200, output: 300, cost: 0.00036) with
        {
            Llm = Chat(traceId, root.SpanId, start, 1200, 300, 0.00036).Llm with { CacheReadTokens = 1024, CacheWriteTokens = 7, ReasoningTokens = 11 },
        };

        await store.WriteAsync([root, chat], Ct);
        var spans = await store.GetTraceAsync(traceId.ToUpperInvariant(), Ct);

        Assert.Equal([root, chat], spans.Select(s => s.Span));
    }

    [Fact]
    public async Task Each_spans_project_is_stored_and_read_back()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var traceId = NewTraceId();
        var checkout = Span(traceId, "POST /checkout", DateTime.UtcNow.AddMinutes(-1)) with { Project = "checkout" };
        var unnamed = Span(traceId, "GET /health", DateTime.UtcNow.AddMinutes(-1).AddMilliseconds(1));

        await store.WriteAsync([checkout, unnamed], Ct);

        var projects = (await store.GetTraceAsync(traceId, Ct)).ToDictionary(s => s.Span.SpanId, s => s.Span.Project);
        Assert.Equal("checkout", projects[checkout.SpanId]);
        Assert.Equal("default", projects[unnamed.SpanId]);
    }

    [Fact]
    public async Task Unknown_trace_reads_as_empty()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();

        Assert.Empty(await store.GetTraceAsync(NewTraceId(), Ct));
    }

    [Fact]
    public async Task Trace_list_is_newest_first_honours_the_limit_and_filters_by_service()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var start = DateTime.UtcNow.AddHours(-1);
        var traces = Enumerable.Range(0, 5).Select(_ => NewTraceId()).ToList();
        for (var i = 0; i < traces.Count; i++)
        {
            await store.WriteAsync([Span(traces[i], $"GET /{i}", start.AddMinutes(i), service: i % 2 == 0 ? "even" : "odd")], Ct);
        }

        var newestThree = await harness.TracesAsync(limit: 3);
        var odd = await harness.TracesAsync("odd");

        Assert.Equal([traces[4], traces[3], traces[2]], newestThree.Select(t => t.TraceId));
        Assert.Equal([traces[3], traces[1]], odd.Select(t => t.TraceId));
        Assert.All(odd, t => Assert.Equal("odd", t.ServiceName));
    }

    [Fact]
    public async Task Trace_list_row_has_the_root_span_and_the_totals_of_the_whole_trace()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var traceId = NewTraceId();
        var start = DateTime.UtcNow.AddMinutes(-5);
        var root = Span(traceId, "POST /ask", start, service: "rag");
        // A child that started first must not be taken for the root.
        var early = Span(traceId, "early child", start.AddMilliseconds(-2), service: "worker", parent: root.SpanId);
        var failed = Chat(traceId, root.SpanId, start.AddMilliseconds(2), 100, 10, 0.25) with { StatusCode = 2, EndTime = start.AddMilliseconds(40) };
        await store.WriteAsync([root, early, Chat(traceId, root.SpanId, start.AddMilliseconds(1), 1000, 50, 0.5), failed], Ct);

        var row = Assert.Single(await harness.TracesAsync());

        Assert.Equal("POST /ask", row.RootName);
        Assert.Equal("rag", row.ServiceName);
        Assert.Equal(early.StartTime, row.StartTime);
        Assert.Equal(DateTimeKind.Utc, row.StartTime.Kind);
        Assert.Equal(42, row.DurationMs, 3);
        Assert.Equal(4, row.SpanCount);
        Assert.Equal(2, row.LlmCalls);
        Assert.Equal(1100, row.InputTokens);
        Assert.Equal(60, row.OutputTokens);
        Assert.Equal(0.75, row.CostUsd, 9);
        Assert.True(row.HasError);
    }

    [Fact]
    public async Task Retried_write_is_stored_and_counted_once()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var traceId = NewTraceId();
        var start = DateTime.UtcNow.AddMinutes(-1);
        var root = Span(traceId, "POST /ask", start);
        SpanRecord[] request = [root, Chat(traceId, root.SpanId, start, 1000, 100, 0.5)];

        await store.WriteAsync(request, Ct);
        await store.WriteAsync(request, Ct); // the exporter retried after a timeout
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.WriteAsync(request, Ct))); // and retries racing each other

        Assert.Equal(2, (await store.GetTraceAsync(traceId, Ct)).Count);
        var row = Assert.Single(await harness.TracesAsync());
        Assert.Equal(2, row.SpanCount);
        Assert.Equal(1000, row.InputTokens);
        Assert.Equal(0.5, row.CostUsd, 9);
    }

    [Fact]
    public async Task Large_values_are_stored_once_out_of_line_and_whole_again_on_trace_by_id()
    {
        await using var harness = CreateHarness();
        harness.Options.LargeValueBytes = 1024;
        var store = await harness.OpenAsync();
        var prompt = LongText("You are a helpful assistant. ", 4000);
        var completion = LongText("Refunds take five to seven days. ", 3000) + " — ünïcödé ✓";
        var attributes = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["gen_ai.operation.name"] = "chat",
            ["gen_ai.input.messages"] = prompt,
            ["gen_ai.usage.input_tokens"] = 1200,
            ["gen_ai.output.messages"] = completion,
        });
        var events = "[" + string.Join(",", Enumerable.Range(0, 40).Select(i => $$$"""{"name":"gen_ai.choice","time":"2026-01-01T00:00:00.0000000Z","attributes":{"index":{{{i}}}}}""")) + "]";
        var start = DateTime.UtcNow.AddMinutes(-1);
        var traceA = NewTraceId();
        var traceB = NewTraceId();
        var a = Chat(traceA, NewSpanId(), start, 1200, 30, 0.1, attributes: attributes) with { EventsJson = events };
        var b = Chat(traceB, NewSpanId(), start, 1200, 30, 0.1, attributes: attributes); // the same prompt and completion again

        await store.WriteAsync([a], Ct);
        await store.WriteAsync([b], Ct);

        Assert.Equal(a, Assert.Single(await store.GetTraceAsync(traceA, Ct)).Span);
        Assert.Equal(b, Assert.Single(await store.GetTraceAsync(traceB, Ct)).Span);
        // Out of line: the rows hold neither text, so listing traces never reads it ...
        Assert.Equal(0L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM spans WHERE attributes LIKE '%helpful assistant%' OR events LIKE '%gen_ai.choice%'")));
        // ... and once: prompt, completion and a's events are three blobs for the two spans.
        Assert.Equal(3L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM content")));
        Assert.True(Convert.ToInt64(await harness.ScalarAsync("SELECT CAST(sum(length) AS BIGINT) FROM content")) > 7000);
        // ... as text only (the engine compresses it): no second, Brotli copy.
        Assert.Equal(0L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM content WHERE data IS NOT NULL OR text IS NULL")));
        Assert.Single(await harness.TracesAsync("svc", limit: 1));
    }

    [Fact]
    public async Task Content_stored_before_it_was_kept_as_text_is_read_from_its_compressed_copy()
    {
        await using var harness = CreateHarness();
        harness.Options.LargeValueBytes = 1024;
        var store = await harness.OpenAsync();
        var prompt = LongText("Older stores kept each value Brotli-compressed. ", 3000);
        var attributes = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object> { ["gen_ai.input.messages"] = prompt });
        var traceId = NewTraceId();
        var span = Chat(traceId, NewSpanId(), DateTime.UtcNow.AddMinutes(-1), 1200, 30, 0.1, attributes: attributes);
        await store.WriteAsync([span], Ct);

        // Turn the row into what a store written before text existed holds: the value only as Brotli bytes.
        var token = System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(prompt));
        var compressed = new byte[System.IO.Compression.BrotliEncoder.GetMaxCompressedLength(token.Length)];
        Assert.True(System.IO.Compression.BrotliEncoder.TryCompress(token, compressed, out var written));
        await harness.ScalarAsync($"UPDATE content SET text = NULL, data = {harness.BytesLiteral(compressed.AsSpan(0, written))}");

        Assert.Equal(span, Assert.Single(await store.GetTraceAsync(traceId, Ct)).Span);
    }

    [Fact]
    public async Task Spans_survive_closing_and_reopening_the_store()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var traceId = NewTraceId();
        var root = Span(traceId, "before restart", DateTime.UtcNow.AddMinutes(-2), attributes: $$"""{"big":"{{LongText("x", 5000)}}"}""");
        await store.WriteAsync([root], Ct);

        await harness.CloseAsync();
        store = await harness.OpenAsync();
        var after = Span(NewTraceId(), "after restart", DateTime.UtcNow.AddMinutes(-1));
        await store.WriteAsync([after], Ct);

        Assert.Equal(root, Assert.Single(await store.GetTraceAsync(traceId, Ct)).Span);
        Assert.Equal(["after restart", "before restart"], (await harness.TracesAsync()).Select(t => t.RootName));
    }

    [Fact]
    public async Task Migrations_are_applied_once_however_often_the_store_opens()
    {
        await using var harness = CreateHarness();
        await harness.OpenAsync();
        var versions = Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM llmobs_migrations"));

        await harness.OpenAsync();
        await harness.OpenAsync();

        Assert.True(versions >= 1);
        Assert.Equal(versions, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM llmobs_migrations")));
        Assert.Equal(versions, Convert.ToInt64(await harness.ScalarAsync("SELECT count(DISTINCT version) FROM llmobs_migrations")));
    }

    [Fact]
    public async Task Concurrent_writers_each_have_every_span_stored_exactly_once()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var start = DateTime.UtcNow.AddMinutes(-10);
        var written = new System.Collections.Concurrent.ConcurrentBag<string>();
        // Ten prompts shared by every writer, in a different order in each request: content rows two
        // transactions insert at once (in PostgreSQL, a lock-order deadlock unless inserted in key order).
        var prompts = Enumerable.Range(0, 10).Select(p => $$"""{"gen_ai.input.messages":"{{LongText($"shared prompt {p} ", 2000)}}"}""").ToArray();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            for (var request = 0; request < 25; request++)
            {
                var traceId = NewTraceId();
                var root = Span(traceId, $"w{writer}", start.AddMilliseconds(writer * 1000 + request));
                var spans = new List<SpanRecord> { root };
                spans.AddRange(Enumerable.Range(0, 9).Select(i =>
                    Chat(traceId, root.SpanId, root.StartTime.AddTicks(i * 10), 10, 1, 0.001, attributes: prompts[(writer * 7 + request * 3 + i * (writer + 1)) % prompts.Length])));
                await store.WriteAsync(spans, Ct);
                written.Add(traceId);
            }
        }, Ct)));

        var list = await harness.TracesAsync(limit: 1000);
        Assert.Equal(written.Order(), list.Select(t => t.TraceId).Order());
        Assert.All(list, t => Assert.Equal(10, t.SpanCount));
        Assert.Equal(200 * 90, list.Sum(t => t.InputTokens));
        Assert.Equal(10L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM content")));
    }

    [Fact]
    public async Task Retention_by_age_removes_whole_days_older_than_the_max_age_with_their_content()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var now = DateTime.UtcNow;
        var big = $$"""{"gen_ai.input.messages":"{{LongText("old prompt ", 3000)}}"}""";
        var old = Span(NewTraceId(), "ten days ago", now.AddDays(-10), attributes: big);
        var older = Span(NewTraceId(), "eight days ago", now.AddDays(-8));
        var recent = Span(NewTraceId(), "an hour ago", now.AddHours(-1), attributes: big.Replace("old prompt", "new prompt"));
        await store.WriteAsync([old, older, recent], Ct);

        var result = await harness.Retention.ApplyRetentionAsync(new RetentionPolicy(TimeSpan.FromDays(7), null), now, Ct);

        Assert.Equal([DateOnly.FromDateTime(old.StartTime), DateOnly.FromDateTime(older.StartTime)], result.DaysRemoved);
        Assert.Equal(["an hour ago"], (await harness.TracesAsync()).Select(t => t.RootName));
        Assert.Empty(await store.GetTraceAsync(old.TraceId, Ct));
        Assert.Equal(recent, Assert.Single(await store.GetTraceAsync(recent.TraceId, Ct)).Span);
        Assert.Equal(1L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM content")));

        // The store keeps working on the days that remain.
        await store.WriteAsync([Span(NewTraceId(), "after retention", now)], Ct);
        Assert.Equal(2, (await harness.TracesAsync()).Count);
    }

    [Fact]
    public async Task Retention_by_size_removes_the_oldest_days_until_the_store_fits_and_never_the_newest()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var now = DateTime.UtcNow;
        var days = Enumerable.Range(0, 4).Select(d => now.Date.AddDays(d - 3).AddHours(12)).ToList(); // noon, three days ago .. today
        foreach (var day in days)
        {
            // Content that neither compresses nor repeats, so every day weighs the same.
            var spans = Enumerable.Range(0, 150).Select(i => Span(NewTraceId(), "day " + day.Day, day.AddSeconds(-i),
                attributes: $$"""{"gen_ai.output.messages":"{{RandomText(3000)}}"}""")).ToList();
            await store.WriteAsync(spans, Ct);
        }

        var size = await harness.Retention.GetSizeBytesAsync(Ct);
        var result = await harness.Retention.ApplyRetentionAsync(new RetentionPolicy(null, size * 6 / 10), now, Ct);

        Assert.Equal(days.Take(2).Select(DateOnly.FromDateTime), result.DaysRemoved);
        Assert.True(result.SizeBytesAfter <= size * 6 / 10, $"{result.SizeBytesAfter} bytes left of {size}.");
        var left = await harness.TracesAsync(limit: 1000);
        Assert.Equal(300, left.Count);
        Assert.All(left, t => Assert.True(DateOnly.FromDateTime(t.StartTime) >= DateOnly.FromDateTime(days[2])));

        // A limit below one day's size still keeps the newest day.
        var tiny = await harness.Retention.ApplyRetentionAsync(new RetentionPolicy(null, 1), now, Ct);
        Assert.Equal([DateOnly.FromDateTime(days[2])], tiny.DaysRemoved);
        Assert.Equal(150, (await harness.TracesAsync(limit: 1000)).Count);
    }

    private static string LongText(string phrase, int length) => string.Concat(Enumerable.Repeat(phrase, length / phrase.Length + 1))[..length];

    private static string RandomText(int length) => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(length * 3 / 4));
}

public sealed class DuckDbSpanStoreTests : SpanStoreContractTests
{
    internal override StoreHarness CreateHarness() => new DuckDbHarness();
}

public sealed class PostgresSpanStoreTests : SpanStoreContractTests
{
    internal override StoreHarness CreateHarness() => new PostgresHarness();

    // Debian's PostgreSQL (the one the test command starts) is built with lz4.
    [Fact]
    public async Task Large_text_is_compressed_with_lz4_in_partitions_made_before_the_migration_and_after()
    {
        await using var harness = new PostgresHarness();
        harness.Options.LargeValueBytes = 1024;
        var store = await harness.OpenAsync();
        SpanRecord Prompted(DateTime start) => TestSpans.Span(TestSpans.NewTraceId(), "chat", start,
            attributes: $$"""{"gen_ai.input.messages":"{{start:O}} {{string.Concat(Enumerable.Repeat("a long prompt ", 400))}}"}""");
        // As a store made before migration 12: tables on PostgreSQL's default, and a partition holding a value.
        await harness.ScalarAsync("""
            DELETE FROM llmobs_migrations WHERE version >= 12;
            ALTER TABLE content ALTER COLUMN text SET COMPRESSION pglz;
            ALTER TABLE spans ALTER COLUMN attributes SET COMPRESSION pglz, ALTER COLUMN events SET COMPRESSION pglz;
            """);
        var yesterday = Prompted(DateTime.UtcNow.AddDays(-1));
        await store.WriteAsync([yesterday], TestContext.Current.CancellationToken);

        store = await harness.OpenAsync();
        await store.WriteAsync([Prompted(DateTime.UtcNow.AddDays(5)), Prompted(DateTime.UtcNow.AddDays(-1).AddMinutes(1))], TestContext.Current.CancellationToken);

        Assert.Equal(0L, Convert.ToInt64(await harness.ScalarAsync("""
            SELECT count(*) FROM pg_attribute a JOIN pg_inherits i ON i.inhrelid = a.attrelid
            WHERE i.inhparent IN ('content'::regclass, 'spans'::regclass) AND a.attname IN ('text', 'attributes', 'events') AND a.attcompression <> 'l'
            """)));
        Assert.Equal("pglz,lz4", await harness.ScalarAsync("SELECT string_agg(DISTINCT pg_column_compression(text), ',' ORDER BY pg_column_compression(text) DESC) FROM content"));
        Assert.Equal(yesterday, Assert.Single(await store.GetTraceAsync(yesterday.TraceId, TestContext.Current.CancellationToken)).Span);
    }
}
