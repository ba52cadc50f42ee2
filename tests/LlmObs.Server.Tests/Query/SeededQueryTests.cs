using System.Net;
using static LlmObs.Server.Tests.Query.QuerySeed;

namespace LlmObs.Server.Tests.Query;

/// <summary>
/// Every filter and aggregate of the query API against answers worked out by hand from <see cref="QuerySeed"/>.
/// The same tests run on each storage engine (the subclasses below).
/// </summary>
public abstract class SeededQueryTests(SeededServerFixture fixture)
{
    private const double Tolerance = 1e-9;
    private static readonly string Period = $"from={Iso(Day1)}&to={Iso(Day2.AddDays(1))}";

    private async Task<T> Get<T>(string path, string query = "")
    {
        Assert.SkipWhen(fixture.Unavailable is not null, fixture.Unavailable ?? "");
        return await fixture.GetAsync<T>($"{path}?{Period}{(query.Length > 0 ? "&" + query : "")}");
    }

    private async Task<string[]> CallIds(string query) =>
        (await Get<ApiPage<ApiCall>>("/api/calls", query)).Items.Select(c => c.SpanId).Order().ToArray();

    private async Task<string[]> TraceIds(string query) =>
        (await Get<ApiPage<ApiTraceRow>>("/api/traces", query)).Items.Select(t => t.TraceId).Order().ToArray();

    private static string[] Ids(params string[] ids) => ids.Order().ToArray();

    // ---- calls: each filter, then combined ----

    [Fact]
    public async Task Calls_are_the_chat_and_embeddings_spans_newest_first()
    {
        var page = await Get<ApiPage<ApiCall>>("/api/calls");

        Assert.Equal([C4, C3, C2, C1, E1], page.Items.Select(c => c.SpanId));
        var c1 = page.Items.Single(c => c.SpanId == C1);
        Assert.Equal(("chat", "gpt-4o-mini", "openai", "ask"), (c1.Operation, c1.Model, c1.Provider, c1.Feature));
        Assert.Equal((1000L, 400L, 100L), (c1.InputTokens!.Value, c1.CacheReadTokens!.Value, c1.OutputTokens!.Value));
        Assert.Equal(0.01, c1.CostUsd!.Value, Tolerance);
        Assert.Equal(50, c1.TimeToFirstTokenMs!.Value, 1e-6);
        Assert.Equal("alice", c1.User); // from the root span of its trace
    }

    [Theory]
    [InlineData("service=worker", "C3")]
    [InlineData("feature=ask", "C1 E1 C4")]
    [InlineData("user=alice", "C1 E1 C3")]
    [InlineData("model=gpt-4o-mini", "C1 C4")]
    [InlineData("provider=anthropic", "C3")]
    [InlineData("status=error", "C2")]
    [InlineData("status=ok", "C1 E1 C3 C4")]
    [InlineData("minCost=0.02", "C2 C3")]
    [InlineData("minLatencyMs=500", "C2 C3")]
    [InlineData("q=refund%20POLICY", "C3")]
    [InlineData("q=%3Cb%3ECaf%C3%A9%3C%2Fb%3E", "C4")] // stored JSON-escaped: \u003Cb\u003ECaf\u00E9
    [InlineData("q=%3Cb%3ECAF%C3%A9", "C4")]
    [InlineData("project=support", "C3")]
    [InlineData("feature=ask&model=gpt-4o-mini&minCost=0.005", "C1")]
    [InlineData("user=alice&feature=summarise", "C3")]
    [InlineData("service=nobody", "")]
    public async Task Calls_filter(string query, string expected)
    {
        var names = new Dictionary<string, string> { ["C1"] = C1, ["E1"] = E1, ["C2"] = C2, ["C3"] = C3, ["C4"] = C4 };

        var ids = await CallIds(query);

        Assert.Equal(Ids(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => names[n]).ToArray()), ids);
    }

    [Fact]
    public async Task Calls_filter_by_time_range()
    {
        Assert.SkipWhen(fixture.Unavailable is not null, fixture.Unavailable ?? "");

        var day2 = await fixture.GetAsync<ApiPage<ApiCall>>($"/api/calls?from={Iso(Day2)}&to={Iso(Day2.AddDays(1))}");
        var morning = await fixture.GetAsync<ApiPage<ApiCall>>($"/api/calls?from={Iso(Day1)}&to={Iso(Day1.AddHours(10.5))}");

        Assert.Equal(Ids(C3, C4), day2.Items.Select(c => c.SpanId).Order());
        Assert.Equal(Ids(C1, E1), morning.Items.Select(c => c.SpanId).Order());
    }

    [Fact]
    public async Task Calls_are_paged()
    {
        var first = await Get<ApiPage<ApiCall>>("/api/calls", "limit=2");
        var last = await Get<ApiPage<ApiCall>>("/api/calls", "limit=2&offset=4");

        Assert.Equal([C4, C3], first.Items.Select(c => c.SpanId));
        Assert.Equal(2, first.NextOffset);
        Assert.Equal([E1], last.Items.Select(c => c.SpanId));
        Assert.Null(last.NextOffset);
    }

    // ---- traces ----

    [Theory]
    [InlineData("service=worker", "T3")]
    [InlineData("user=alice", "T1 T3")]
    [InlineData("model=gpt-4o-mini", "T1 T4")]
    [InlineData("provider=anthropic", "T3")]
    [InlineData("feature=summarise", "T2 T3")]
    [InlineData("status=error", "T2")]
    [InlineData("status=ok", "T1 T3 T4")]
    [InlineData("minCost=0.0105", "T1 T2 T3")]
    [InlineData("minLatencyMs=1000", "T2")]
    [InlineData("q=refund%20policy", "T3")]
    [InlineData("project=support", "T3")]
    [InlineData("model=gpt-4o-mini&minCost=0.005", "T1")]
    public async Task Traces_filter(string query, string expected)
    {
        var names = new Dictionary<string, string> { ["T1"] = T1, ["T2"] = T2, ["T3"] = T3, ["T4"] = T4 };

        var ids = await TraceIds(query);

        Assert.Equal(Ids(expected.Split(' ').Select(n => names[n]).ToArray()), ids);
    }

    [Fact]
    public async Task Trace_rows_sum_the_whole_trace()
    {
        var page = await Get<ApiPage<ApiTraceRow>>("/api/traces");

        Assert.Equal([T4, T3, T2, T1], page.Items.Select(t => t.TraceId));
        var t1 = page.Items.Single(t => t.TraceId == T1);
        Assert.Equal(("POST /ask", "rag", 5L, 1L), (t1.RootName, t1.ServiceName, t1.SpanCount, t1.LlmCalls));
        Assert.Equal((1050L, 100L, 400L), (t1.InputTokens, t1.OutputTokens, t1.CacheReadTokens));
        Assert.Equal(0.011, t1.CostUsd, Tolerance);
        Assert.Equal(300, t1.DurationMs, 1e-6);
        Assert.Equal("alice", t1.User);
        Assert.True(page.Items.Single(t => t.TraceId == T2).HasError);
    }

    [Fact]
    public async Task Traces_are_paged()
    {
        var first = await Get<ApiPage<ApiTraceRow>>("/api/traces", "limit=3");
        var second = await Get<ApiPage<ApiTraceRow>>("/api/traces", "limit=3&offset=3");

        Assert.Equal([T4, T3, T2], first.Items.Select(t => t.TraceId));
        Assert.Equal(3, first.NextOffset);
        Assert.Equal([T1], second.Items.Select(t => t.TraceId));
        Assert.Null(second.NextOffset);
    }

    // ---- aggregates ----

    [Fact]
    public async Task Cost_per_day_by_feature()
    {
        var rows = await Get<IReadOnlyList<ApiDailyCost>>("/api/aggregates/cost-per-day", "by=feature");

        AssertDaily(rows, (Day1, "summarise", 1, 0.05), (Day1, "ask", 2, 0.011), (Day2, "summarise", 1, 0.02), (Day2, "ask", 1, 0.004));
    }

    [Fact]
    public async Task Cost_per_day_by_user()
    {
        var rows = await Get<IReadOnlyList<ApiDailyCost>>("/api/aggregates/cost-per-day", "by=user");

        AssertDaily(rows, (Day1, "bob", 1, 0.05), (Day1, "alice", 2, 0.011), (Day2, "alice", 1, 0.02), (Day2, null, 1, 0.004));
    }

    [Fact]
    public async Task Cost_per_day_keeps_the_top_keys_of_the_period_and_sums_the_rest_per_day()
    {
        var rows = await Get<IReadOnlyList<ApiDailyCost>>("/api/aggregates/cost-per-day", "by=user&top=1");

        // bob cost most over the period (0.05); alice (0.031) and the calls without a user (0.004) are "(other)".
        AssertDaily(rows, (Day1, "bob", 1, 0.05), (Day1, "(other)", 2, 0.011), (Day2, "(other)", 2, 0.024));
    }

    [Fact]
    public async Task Cost_per_day_by_model_honours_other_filters()
    {
        var rows = await Get<IReadOnlyList<ApiDailyCost>>("/api/aggregates/cost-per-day", "by=model&service=rag");

        AssertDaily(rows,
            (Day1, "gpt-4o", 1, 0.05), (Day1, "gpt-4o-mini", 1, 0.01), (Day1, "text-embedding-3-small", 1, 0.001), (Day2, "gpt-4o-mini", 1, 0.004));
    }

    [Fact]
    public async Task Cost_by_model_over_the_period()
    {
        var rows = await Get<IReadOnlyList<ApiGroupCost>>("/api/aggregates/cost-by", "by=model");

        Assert.Equal(["gpt-4o", "claude-sonnet-4", "gpt-4o-mini", "text-embedding-3-small"], rows.Select(r => r.Key));
        var mini = rows.Single(r => r.Key == "gpt-4o-mini");
        Assert.Equal((2L, 1500L, 150L, 500L), (mini.Calls, mini.InputTokens, mini.OutputTokens, mini.CacheReadTokens));
        Assert.Equal(0.014, mini.CostUsd, Tolerance);
    }

    [Fact]
    public async Task Cost_per_call_percentiles_interpolate_between_ranks()
    {
        // Sorted costs 0.001, 0.004, 0.01, 0.02, 0.05: rank (n-1)p = 4p, linear in between.
        var p = await Get<ApiPercentiles>("/api/aggregates/cost-per-call");

        Assert.Equal(5, p.Count);
        Assert.Equal(0.01, p.P50!.Value, Tolerance);                 // rank 2
        Assert.Equal(0.02 + 0.8 * 0.03, p.P95!.Value, Tolerance);    // rank 3.8
        Assert.Equal(0.02 + 0.96 * 0.03, p.P99!.Value, Tolerance);   // rank 3.96
        Assert.Equal(0.05, p.Max!.Value, Tolerance);
        Assert.Equal(0.085 / 5, p.Mean!.Value, Tolerance);
    }

    [Fact]
    public async Task Cache_hit_rate_overall_and_by_model_counts_chat_calls_only()
    {
        var rates = await Get<ApiCacheHitRates>("/api/aggregates/cache-hit-rate");

        Assert.Equal((6500L, 2000L), (rates.Overall.InputTokens, rates.Overall.CacheReadTokens));
        Assert.Equal(2000.0 / 6500, rates.Overall.Rate!.Value, Tolerance);
        Assert.Equal(0.5, rates.ByModel.Single(m => m.Model == "claude-sonnet-4").Rate!.Value, Tolerance);
        Assert.Equal(500.0 / 1500, rates.ByModel.Single(m => m.Model == "gpt-4o-mini").Rate!.Value, Tolerance);
        Assert.Equal(0, rates.ByModel.Single(m => m.Model == "gpt-4o").Rate!.Value, Tolerance);
        Assert.DoesNotContain(rates.ByModel, m => m.Model == "text-embedding-3-small");
    }

    [Fact]
    public async Task Top_calls_are_the_most_expensive_first()
    {
        var top = await Get<IReadOnlyList<ApiCall>>("/api/aggregates/top-calls", "limit=3");
        var day1 = await fixture.GetAsync<IReadOnlyList<ApiCall>>($"/api/aggregates/top-calls?from={Iso(Day1)}&to={Iso(Day2)}");

        Assert.Equal([C2, C3, C1], top.Select(c => c.SpanId));
        Assert.Equal([C2, C1, E1], day1.Select(c => c.SpanId));
    }

    [Fact]
    public async Task Latency_and_time_to_first_token_percentiles_by_model()
    {
        var models = await Get<IReadOnlyList<ApiModelLatency>>("/api/aggregates/latency");

        var mini = models.Single(m => m.Model == "gpt-4o-mini");
        Assert.Equal(2, mini.Calls);
        Assert.Equal(150, mini.LatencyMs.P50!.Value, 1e-6);   // 100 and 200 ms
        Assert.Equal(195, mini.LatencyMs.P95!.Value, 1e-6);
        Assert.Equal(199, mini.LatencyMs.P99!.Value, 1e-6);
        Assert.Equal(1, mini.TimeToFirstTokenMs.Count);       // only C1 streamed
        Assert.Equal(50, mini.TimeToFirstTokenMs.P50!.Value, 1e-6);
        var gpt4o = models.Single(m => m.Model == "gpt-4o");
        Assert.Equal((1000.0, 200.0), (gpt4o.LatencyMs.P99!.Value, Math.Round(gpt4o.TimeToFirstTokenMs.P50!.Value, 6)));
        Assert.DoesNotContain(models, m => m.Model == "text-embedding-3-small");
    }

    [Fact]
    public async Task Error_rate_overall_and_by_model()
    {
        var rates = await Get<ApiErrorRates>("/api/aggregates/error-rate");
        var rag = await Get<ApiErrorRates>("/api/aggregates/error-rate", "service=worker");

        Assert.Equal((5L, 1L), (rates.Overall.Calls, rates.Overall.Errors));
        Assert.Equal(0.2, rates.Overall.Rate!.Value, Tolerance);
        Assert.Equal(1.0, rates.ByModel.Single(m => m.Key == "gpt-4o").Rate!.Value, Tolerance);
        Assert.Equal(0, rag.Overall.Rate!.Value, Tolerance);
    }

    [Fact]
    public async Task Summary_counts_llm_calls_without_embeddings_and_costs_every_model_call()
    {
        var summary = await Get<ApiSummary>("/api/summary");
        var calls = await Get<ApiPage<ApiCall>>("/api/calls");

        Assert.Equal(4, summary.LlmCalls); // C1–C4; E1 is an embedding, as in the traces' LLM call counts
        Assert.Equal(calls.Items.Sum(c => c.CostUsd ?? 0), summary.CostUsd, Tolerance);
    }

    [Fact]
    public async Task Tokens_over_time_per_day_and_per_hour()
    {
        var days = await Get<IReadOnlyList<ApiTokenBucket>>("/api/aggregates/tokens-over-time", "bucket=day");
        var hours = await Get<IReadOnlyList<ApiTokenBucket>>("/api/aggregates/tokens-over-time", "bucket=hour");

        Assert.Equal([Day1, Day2], days.Select(d => d.Start));
        Assert.Equal((3L, 3050L, 600L, 400L), (days[0].Calls, days[0].InputTokens, days[0].OutputTokens, days[0].CacheReadTokens));
        Assert.Equal((2L, 3500L, 350L, 1600L), (days[1].Calls, days[1].InputTokens, days[1].OutputTokens, days[1].CacheReadTokens));
        Assert.Equal(0.061, days[0].CostUsd, Tolerance);
        Assert.Equal([Day1.AddHours(10), Day1.AddHours(11), Day2.AddHours(9), Day2.AddHours(12)], hours.Select(h => h.Start));
    }

    [Fact]
    public async Task Dashboard_answers_every_aggregate_at_once()
    {
        var dashboard = await Get<ApiDashboard>("/api/dashboard");

        Assert.Equal(4, dashboard.CostPerDayByFeature.Count);
        Assert.Equal(4, dashboard.CostPerDayByUser.Count);
        Assert.Equal(4, dashboard.CostByModel.Count);
        Assert.Equal(5, dashboard.CostPerCall.Count);
        Assert.Equal(6500, dashboard.CacheHitRate.Overall.InputTokens);
        Assert.Equal(C2, dashboard.TopCalls[0].SpanId);
        Assert.Equal(3, dashboard.Latency.Count);
        Assert.Equal(5, dashboard.ErrorRate.Overall.Calls);
        Assert.Equal(4, dashboard.TokensOverTime.Count); // a 2-day period is bucketed per hour: 4 busy hours
    }

    [Fact]
    public async Task Facets_list_what_the_period_holds()
    {
        var facets = await Get<ApiFacets>("/api/facets");

        Assert.Equal(["rag", "worker"], facets.Services);
        Assert.Equal(["claude-sonnet-4", "gpt-4o", "gpt-4o-mini", "text-embedding-3-small"], facets.Models);
        Assert.Equal(["ask", "summarise"], facets.Features);
        Assert.Equal(["anthropic", "openai"], facets.Providers);
    }

    [Theory]
    [InlineData("/api/calls?status=maybe")]
    [InlineData("/api/traces?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z")]
    [InlineData("/api/calls?minCost=-1")]
    [InlineData("/api/aggregates/cost-per-day?by=planet")]
    [InlineData("/api/aggregates/cost-per-day?by=user&top=0")]
    [InlineData("/api/aggregates/tokens-over-time?bucket=week")]
    public async Task Bad_filters_are_answered_400(string pathAndQuery)
    {
        Assert.SkipWhen(fixture.Unavailable is not null, fixture.Unavailable ?? "");

        using var response = await fixture.Server.Client.GetAsync(pathAndQuery, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("q=%27%20OR%201%3D1%20--")]
    [InlineData("service=rag%27%3B%20DROP%20TABLE%20spans%3B%20--")]
    [InlineData("q=%25")]
    public async Task Filter_values_are_data_not_sql(string query)
    {
        var ids = await CallIds(query);
        var all = await CallIds("");

        Assert.Empty(ids); // no span contains these texts: a wildcard or a quote matches nothing
        Assert.Equal(5, all.Length);
    }

    private static void AssertDaily(IReadOnlyList<ApiDailyCost> rows, params (DateTime Day, string? Key, long Calls, double Cost)[] expected)
    {
        Assert.Equal(expected.Length, rows.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal((expected[i].Day, expected[i].Key, expected[i].Calls), (rows[i].Day, rows[i].Key, rows[i].Calls));
            Assert.Equal(expected[i].Cost, rows[i].CostUsd, Tolerance);
        }
    }

    private static string Iso(DateTime time) => Uri.EscapeDataString(time.ToString("yyyy-MM-ddTHH:mm:ssZ"));
}

public sealed class DuckDbQueryTests(DuckDbSeededFixture fixture) : SeededQueryTests(fixture), IClassFixture<DuckDbSeededFixture>;

public sealed class PostgresQueryTests(PostgresSeededFixture fixture) : SeededQueryTests(fixture), IClassFixture<PostgresSeededFixture>;

/// <summary>The same hand-computed answers from the rollups (each seeded value is alone in its histogram bin, so even percentiles are exact).</summary>
public sealed class DuckDbRolledUpQueryTests(DuckDbRolledUpFixture fixture) : SeededQueryTests(fixture), IClassFixture<DuckDbRolledUpFixture>;

public sealed class PostgresRolledUpQueryTests(PostgresRolledUpFixture fixture) : SeededQueryTests(fixture), IClassFixture<PostgresRolledUpFixture>;
