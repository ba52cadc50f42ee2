using System.Net.Http.Json;
using System.Text.Json;
using LlmObs.Pricing;

namespace LlmObs.EndToEnd.Tests;

/// <summary>
/// One question to the playground's RAG service, followed all the way: the trace it produces must be stored
/// and priced by LlmObs and must reach the Aspire dashboard with the cost on it.
/// </summary>
[Collection(PlaygroundCollection.Name)]
public sealed class AskTraceTests(PlaygroundFixture playground)
{
    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Ask_produces_one_connected_priced_trace_in_LlmObs()
    {
        var traceId = await AskAsync("How long do refunds take?");

        var spans = await WaitForLlmObsTraceAsync(traceId, spans =>
            spans.Any(s => Operation(s) == "chat") && spans.Any(s => Operation(s) == "embeddings")
            && spans.Any(s => Operation(s) == "retrieval") && spans.Any(s => s.GetProperty("kind").GetInt32() == 2));

        Assert.All(spans, s => Assert.Equal(traceId, s.GetProperty("traceId").GetString()));

        // Parent links: one root (the HTTP request), every other span's parent is in the trace.
        var ids = spans.Select(s => s.GetProperty("spanId").GetString()).ToHashSet();
        var roots = spans.Where(s => ParentOf(s) is null).ToList();
        var root = Assert.Single(roots);
        Assert.Equal(2, root.GetProperty("kind").GetInt32());
        Assert.Contains("/ask", root.GetProperty("name").GetString());
        Assert.All(spans.Except(roots), s => Assert.Contains(ParentOf(s), ids));

        var retrieval = spans.Single(s => Operation(s) == "retrieval");
        Assert.True(Attribute(retrieval, "gen_ai.request.top_k").GetInt32() > 0);
        Assert.True(Attribute(retrieval, "llmobs.retrieval.returned_count").GetInt32() > 0);

        var embeddings = spans.First(s => Operation(s) == "embeddings");
        Assert.True(embeddings.GetProperty("llm").GetProperty("inputTokens").GetInt64() > 0);

        var chat = spans.First(s => Operation(s) == "chat");
        var llm = chat.GetProperty("llm");
        Assert.Equal("gpt-4o-mini", llm.GetProperty("model").GetString());
        var input = llm.GetProperty("inputTokens").GetInt64();
        var output = llm.GetProperty("outputTokens").GetInt64();
        var cached = llm.TryGetProperty("cacheReadTokens", out var c) ? c.GetInt64() : 0;
        Assert.True(input > 0 && output > 0);

        var cost = llm.GetProperty("costUsd").GetDouble();
        Assert.True(cost > 0);
        Assert.Equal(ExpectedCost(input, cached, output), cost, 1e-12);
        Assert.Equal(cost, Attribute(chat, "gen_ai.usage.cost").GetDouble(), 1e-12);
    }

    [Fact]
    public async Task The_same_priced_spans_reach_the_Aspire_dashboard()
    {
        var traceId = await AskAsync("Which plans include SSO?");
        var stored = await WaitForLlmObsTraceAsync(traceId, spans => spans.Any(s => Operation(s) == "chat"));

        var dashboardSpans = await WaitForAsync(async () =>
        {
            var json = await playground.Dashboard.GetFromJsonAsync<JsonElement>("/api/telemetry/spans?resource=rag");
            var spans = OtlpSpans(json).Where(s => s.GetProperty("traceId").GetString() == traceId).ToList();
            return spans.Count >= stored.Count ? spans : null;
        });

        Assert.Equal(
            stored.Select(s => s.GetProperty("spanId").GetString()).Order(),
            dashboardSpans.Select(s => s.GetProperty("spanId").GetString()).Order());

        var storedChat = stored.First(s => Operation(s) == "chat");
        var dashboardChat = dashboardSpans.Single(s => s.GetProperty("spanId").GetString() == storedChat.GetProperty("spanId").GetString());
        var dashboardCost = double.Parse(OtlpAttribute(dashboardChat, "gen_ai.usage.cost"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(storedChat.GetProperty("llm").GetProperty("costUsd").GetDouble(), dashboardCost, 1e-12);
        Assert.Equal("openai", OtlpAttribute(dashboardChat, "gen_ai.provider.name"));
    }

    private async Task<string> AskAsync(string question)
    {
        using var response = await playground.Rag.PostAsJsonAsync("/ask", new { question, userId = "user-42" });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var traceId = body.GetProperty("traceId").GetString();
        Assert.NotNull(traceId);
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("answer").GetString()));
        return traceId;
    }

    /// <summary>The gpt-4o-mini prices of the bundled catalog × the tokens, cached reads at their own rate.</summary>
    private static double ExpectedCost(long input, long cached, long output)
    {
        Assert.True(PriceCatalog.Default.TryGetPrice("gpt-4o-mini", "openai", out var price));
        return (input - cached) * price.Input + cached * price.CacheRead!.Value + output * price.Output!.Value;
    }

    private async Task<List<JsonElement>> WaitForLlmObsTraceAsync(string traceId, Func<List<JsonElement>, bool> complete) =>
        await WaitForAsync(async () =>
        {
            using var response = await playground.LlmObs.GetAsync($"/api/traces/{traceId}");
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var trace = await response.Content.ReadFromJsonAsync<JsonElement>();
            var spans = trace.GetProperty("spans").EnumerateArray().ToList();
            return complete(spans) ? spans : null;
        });

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe) where T : class
    {
        using var timeout = new CancellationTokenSource(ArrivalTimeout);
        while (true)
        {
            if (await probe() is { } result)
            {
                return result;
            }

            await Task.Delay(250, timeout.Token);
        }
    }

    private static string? Operation(JsonElement span) =>
        span.TryGetProperty("llm", out var llm) && llm.TryGetProperty("operation", out var op) ? op.GetString() : null;

    private static string? ParentOf(JsonElement span) =>
        span.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() : null;

    private static JsonElement Attribute(JsonElement span, string name) => span.GetProperty("attributes").GetProperty(name);

    private static IEnumerable<JsonElement> OtlpSpans(JsonElement response) =>
        from resourceSpans in response.GetProperty("data").GetProperty("resourceSpans").EnumerateArray()
        from scopeSpans in resourceSpans.GetProperty("scopeSpans").EnumerateArray()
        from span in scopeSpans.GetProperty("spans").EnumerateArray()
        select span;

    private static string OtlpAttribute(JsonElement span, string name) =>
        span.GetProperty("attributes").EnumerateArray()
            .Single(a => a.GetProperty("key").GetString() == name)
            .GetProperty("value").EnumerateObject().Single().Value.ToString();
}
