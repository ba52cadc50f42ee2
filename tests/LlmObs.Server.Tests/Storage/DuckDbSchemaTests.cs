using static LlmObs.Server.Tests.Storage.TestSpans;

namespace LlmObs.Server.Tests.Storage;

public sealed class DuckDbSchemaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<LlmObs.Server.Ingest.SpanRecord> Spans(string prompt) =>
        [.. Enumerable.Range(0, 50).Select(i => Span(NewTraceId(), "chat", DateTime.UtcNow.AddSeconds(-60 + i),
            attributes: $$"""{"gen_ai.input.messages":"{{prompt}} {{i}} {{string.Concat(Enumerable.Repeat("words ", 300))}}","n":{{i}}}"""))];

    // Five attribute objects repeated: DuckDB's own choice would be a dictionary.
    [Fact]
    public async Task A_new_store_compresses_attributes_and_content_text_with_fsst()
    {
        await using var harness = new DuckDbHarness();
        harness.Options.LargeValueBytes = 1024;
        var store = await harness.OpenAsync();
        await store.WriteAsync([.. Enumerable.Range(0, 3000).Select(i =>
            Span(NewTraceId(), "tool", DateTime.UtcNow.AddSeconds(-60), attributes: $$"""{"tool.name":"search","variant":{{i % 5}}}"""))], Ct);
        await store.WriteAsync(Spans("new store"), Ct);
        await harness.ScalarAsync("CHECKPOINT");

        foreach (var (table, column) in new[] { ("spans", "attributes"), ("content", "text") })
        {
            Assert.Equal("FSST", await harness.ScalarAsync(
                $"SELECT string_agg(DISTINCT compression) FROM pragma_storage_info('{table}') WHERE column_name = '{column}' AND segment_type = 'VARCHAR'"));
        }
    }

    [Fact]
    public async Task A_store_that_holds_spans_keeps_its_tables_and_says_the_migration_was_skipped()
    {
        await using var harness = new DuckDbHarness();
        harness.Options.LargeValueBytes = 1024;
        var store = await harness.OpenAsync();
        var spans = Spans("old store");
        await store.WriteAsync(spans, Ct);
        await harness.ScalarAsync("DELETE FROM llmobs_migrations WHERE version >= 12"); // as a store made before it

        store = await harness.OpenAsync();

        Assert.Equal(50L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM spans")));
        Assert.Equal(spans[7], Assert.Single(await store.GetTraceAsync(spans[7].TraceId, Ct)).Span);
        Assert.EndsWith("skipped: the store held spans", (string?)await harness.ScalarAsync("SELECT description FROM llmobs_migrations WHERE version = 12"));
    }
}
