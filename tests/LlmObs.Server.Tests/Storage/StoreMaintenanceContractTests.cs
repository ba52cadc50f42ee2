using LlmObs.Pricing;
using LlmObs.Server.Storage;
using LlmObs.Server.Storage.Maintenance;
using static LlmObs.Server.Tests.Storage.TestSpans;

namespace LlmObs.Server.Tests.Storage;

/// <summary>The AppHost commands' store operations, alike on every engine.</summary>
public abstract class StoreMaintenanceContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal abstract StoreHarness CreateHarness();

    [Fact]
    public async Task Clear_removes_every_span_and_the_store_keeps_accepting_writes()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var start = DateTime.UtcNow.AddMinutes(-5);
        for (var i = 0; i < 3; i++)
        {
            var traceId = NewTraceId();
            var root = Span(traceId, "POST /ask", start.AddSeconds(i));
            await store.WriteAsync([root, Chat(traceId, root.SpanId, start.AddSeconds(i), 100, 20, 0.001, attributes: $$"""{"gen_ai.input.messages":"{{new string('x', 4000)}}"}""")], Ct);
        }

        var removed = await ((IStoreMaintenance)store).ClearAsync(Ct);

        Assert.Equal(6, removed);
        Assert.Empty(await harness.TracesAsync());
        var after = NewTraceId();
        await store.WriteAsync([Span(after, "GET /after", DateTime.UtcNow)], Ct);
        Assert.Single(await store.GetTraceAsync(after, Ct));
    }

    [Fact]
    public async Task Recomputing_costs_reprices_what_the_server_priced_and_keeps_what_services_reported()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var traceId = NewTraceId();
        var start = DateTime.UtcNow.AddMinutes(-1);
        var root = Span(traceId, "POST /ask", start);
        var serverPriced = Chat(traceId, root.SpanId, start.AddMilliseconds(1), input: 1000, output: 100, cost: 0.5);
        serverPriced = serverPriced with { Llm = serverPriced.Llm with { CostSource = "server" } };
        var unpriced = Chat(traceId, root.SpanId, start.AddMilliseconds(2), input: 2000, output: 200, cost: 0);
        unpriced = unpriced with { Llm = unpriced.Llm with { CostUsd = null, CostSource = null } };
        var reported = Chat(traceId, root.SpanId, start.AddMilliseconds(3), input: 1000, output: 100, cost: 0.25);
        var unknownModel = Chat(traceId, root.SpanId, start.AddMilliseconds(4), input: 1000, output: 100, cost: 0);
        unknownModel = unknownModel with { Llm = unknownModel.Llm with { Model = "in-house-model", CostUsd = null, CostSource = null } };
        await store.WriteAsync([root, serverPriced, unpriced, reported, unknownModel], Ct);

        // New prices for gpt-4o-mini: $1 per million input tokens, $2 per million output tokens.
        var catalog = PriceCatalog.Default.WithOverrides(new Dictionary<string, ModelPrice>
        {
            ["gpt-4o-mini"] = new() { Provider = "openai", Mode = "chat", Input = 1e-6, Output = 2e-6 },
        });
        var priced = await ((IStoreMaintenance)store).RecomputeCostsAsync(catalog, Ct);

        Assert.Equal(2, priced);
        var spans = (await store.GetTraceAsync(traceId, Ct)).ToDictionary(s => s.Span.SpanId, s => s.Span.Llm);
        Assert.Equal(1000 * 1e-6 + 100 * 2e-6, spans[serverPriced.SpanId].CostUsd!.Value, 1e-12);
        Assert.Equal(2000 * 1e-6 + 200 * 2e-6, spans[unpriced.SpanId].CostUsd!.Value, 1e-12);
        Assert.Equal("server", spans[unpriced.SpanId].CostSource);
        Assert.Equal(0.25, spans[reported.SpanId].CostUsd);
        Assert.Equal("client", spans[reported.SpanId].CostSource);
        Assert.Null(spans[unknownModel.SpanId].CostUsd);
    }
}

public sealed class DuckDbStoreMaintenanceTests : StoreMaintenanceContractTests
{
    internal override StoreHarness CreateHarness() => new DuckDbHarness();

    // Annotations live in the same file, written on their own connections (an indexed upsert, as the eval worker's scores).
    [Fact]
    public async Task Clear_waits_for_an_annotation_being_written_beside_it_and_both_are_kept()
    {
        await using var harness = new DuckDbHarness();
        var store = await harness.OpenAsync();
        await store.WriteAsync([TestSpans.Span(TestSpans.NewTraceId(), "chat", DateTime.UtcNow.AddSeconds(-5))], TestContext.Current.CancellationToken);
        await harness.ScalarAsync("CREATE TABLE score_probe (k VARCHAR, v INTEGER, UNIQUE (k))");
        await using var annotations = new DuckDB.NET.Data.DuckDBConnection($"Data Source={((LlmObs.Server.Storage.DuckDb.DuckDbSpanStore)store).DatabasePath}");
        await annotations.OpenAsync(TestContext.Current.CancellationToken);
        var writing = annotations.BeginTransaction();
        await using (var upsert = annotations.CreateCommand())
        {
            upsert.CommandText = "INSERT INTO score_probe VALUES ('quality', 5) ON CONFLICT DO UPDATE SET v = excluded.v";
            await upsert.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var clear = ((IStoreMaintenance)store).ClearAsync(TestContext.Current.CancellationToken);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        writing.Commit();

        Assert.Equal(1L, await clear);
        Assert.Equal(0L, Convert.ToInt64(await harness.ScalarAsync("SELECT count(*) FROM spans")));
        Assert.Equal(5, Convert.ToInt32(await harness.ScalarAsync("SELECT v FROM score_probe WHERE k = 'quality'")));
    }
}

public sealed class PostgresStoreMaintenanceTests : StoreMaintenanceContractTests
{
    internal override StoreHarness CreateHarness() => new PostgresHarness();
}
