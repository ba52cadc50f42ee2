using System.Net;
using System.Net.Http.Json;
using System.Text;
using LlmObs.Server.Tests.Query;
using static LlmObs.Server.Tests.Query.QuerySeed;

namespace LlmObs.Server.Tests.Annotations;

/// <summary>
/// Cost per quality, quality over time and the unevaluated-calls list against answers worked out by hand from
/// <see cref="QuerySeed"/>'s chat calls (embeddings are not judged):
///
///   call  feature    model            cost    day  status  score (per test)
///   C1    ask        gpt-4o-mini      0.01    1    ok      0.5
///   C2    summarise  gpt-4o           0.05    1    error   – (or 0.2 through its trace)
///   C3    summarise  claude-sonnet-4  0.02    2    ok      0.8
///   C4    ask        gpt-4o-mini      0.004   2    ok      1.0
/// </summary>
public abstract class QualityAggregateTests(SeededServerFixture fixture)
{
    private const double Tolerance = 1e-9;
    private static readonly string Period = $"from={Iso(Day1)}&to={Iso(Day2.AddDays(1))}";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client
    {
        get
        {
            Assert.SkipWhen(fixture.Unavailable is not null, fixture.Unavailable ?? "");
            return fixture.Server.Client;
        }
    }

    private async Task<string> ScoreAsync(bool withTraceScore = false)
    {
        var name = $"q.{Guid.NewGuid():N}"[..10];
        var trace = withTraceScore ? $$""",{"traceId":"{{T2}}","name":"{{name}}","score":0.2}""" : "";
        using var response = await Client.PostAsync("/api/annotations", new StringContent($$"""
            [{"traceId":"{{T1}}","spanId":"{{C1}}","name":"{{name}}","score":0.5},
             {"traceId":"{{T3}}","spanId":"{{C3}}","name":"{{name}}","score":0.8},
             {"traceId":"{{T4}}","spanId":"{{C4}}","name":"{{name}}","score":1.0}{{trace}}]
            """, Encoding.UTF8, "application/json"), Ct);
        response.EnsureSuccessStatusCode();
        return name;
    }

    private async Task<T> GetAsync<T>(string path) => (await Client.GetFromJsonAsync<T>(path, Ct))!;

    [Fact]
    public async Task Cost_per_quality_by_feature_is_cost_per_call_over_mean_score_worst_first()
    {
        var name = await ScoreAsync();

        var rows = await GetAsync<List<ApiCostPerQuality>>($"/api/annotations/aggregates/cost-per-quality?name={name}&by=feature&{Period}");

        Assert.Equal(["summarise", "ask"], rows.Select(r => r.Key));
        var summarise = rows[0];
        Assert.Equal((2L, 1L), (summarise.Calls, summarise.ScoredCalls)); // C2 failed and nobody scored it
        Assert.Equal(0.07, summarise.CostUsd, Tolerance);
        Assert.Equal(0.8, summarise.MeanScore!.Value, Tolerance);
        Assert.Equal(0.035, summarise.CostPerCall!.Value, Tolerance);
        Assert.Equal(0.035 / 0.8, summarise.CostPerQualityUsd!.Value, Tolerance);
        var ask = rows[1];
        Assert.Equal((2L, 2L), (ask.Calls, ask.ScoredCalls));
        Assert.Equal(0.75, ask.MeanScore!.Value, Tolerance);
        Assert.Equal((0.5, 1.0), (ask.MinScore!.Value, ask.MaxScore!.Value));
        Assert.Equal(0.007 / 0.75, ask.CostPerQualityUsd!.Value, Tolerance);
    }

    [Fact]
    public async Task Cost_per_quality_by_model_puts_unscored_models_last()
    {
        var name = await ScoreAsync();

        var rows = await GetAsync<List<ApiCostPerQuality>>($"/api/annotations/aggregates/cost-per-quality?name={name}&by=model&{Period}");

        Assert.Equal(["claude-sonnet-4", "gpt-4o-mini", "gpt-4o"], rows.Select(r => r.Key));
        Assert.Equal(0.02 / 0.8, rows[0].CostPerQualityUsd!.Value, Tolerance);
        Assert.Equal((1L, 0L, (double?)null), (rows[2].Calls, rows[2].ScoredCalls, rows[2].CostPerQualityUsd));
    }

    [Fact]
    public async Task A_trace_score_counts_for_the_calls_of_the_trace_without_their_own()
    {
        var name = await ScoreAsync(withTraceScore: true);

        var rows = await GetAsync<List<ApiCostPerQuality>>($"/api/annotations/aggregates/cost-per-quality?name={name}&{Period}");

        var summarise = rows.Single(r => r.Key == "summarise");
        Assert.Equal(2L, summarise.ScoredCalls);
        Assert.Equal(0.5, summarise.MeanScore!.Value, Tolerance); // (0.2 + 0.8) / 2
        Assert.Equal(0.035 / 0.5, summarise.CostPerQualityUsd!.Value, Tolerance);
    }

    [Fact]
    public async Task Filters_narrow_the_calls()
    {
        var name = await ScoreAsync();

        var day2 = await GetAsync<List<ApiCostPerQuality>>($"/api/annotations/aggregates/cost-per-quality?name={name}&from={Iso(Day2)}&to={Iso(Day2.AddDays(1))}");
        var onlyMini = await GetAsync<List<ApiCostPerQuality>>($"/api/annotations/aggregates/cost-per-quality?name={name}&model=gpt-4o-mini&{Period}");

        Assert.Equal([("summarise", 1L), ("ask", 1L)], day2.Select(r => (r.Key, r.Calls)));
        Assert.Equal(0.02 / 0.8, day2[0].CostPerQualityUsd!.Value, Tolerance);
        Assert.Equal(0.004, day2[1].CostPerQualityUsd!.Value, Tolerance);
        Assert.Equal(["ask"], onlyMini.Select(r => r.Key));
    }

    [Fact]
    public async Task Quality_over_time_is_the_mean_score_of_the_calls_made_each_day()
    {
        var name = await ScoreAsync();

        var days = await GetAsync<List<ApiQualityBucket>>($"/api/annotations/aggregates/quality-over-time?name={name}&bucket=day&{Period}");
        var byFeature = await GetAsync<List<ApiQualityBucket>>($"/api/annotations/aggregates/quality-over-time?name={name}&bucket=day&by=feature&{Period}");

        Assert.Equal([Day1, Day2], days.Select(d => d.Start));
        Assert.Equal((2L, 1L), (days[0].Calls, days[0].ScoredCalls));
        Assert.Equal(0.5, days[0].MeanScore!.Value, Tolerance);
        Assert.Equal(0.9, days[1].MeanScore!.Value, Tolerance);
        Assert.Equal(0.06, days[0].CostUsd, Tolerance);
        Assert.Equal(
            [(Day1, "ask", 0.5), (Day1, "summarise", (double?)null), (Day2, "ask", 1.0), (Day2, "summarise", 0.8)],
            byFeature.Select(b => (b.Start, b.Key, b.MeanScore)).ToList());
    }

    [Fact]
    public async Task Unevaluated_calls_are_the_successful_chat_calls_lacking_a_named_annotation_oldest_first()
    {
        var name = $"u.{Guid.NewGuid():N}"[..10];
        using var _ = await Client.PostAsync("/api/annotations", new StringContent(
            $$"""{"traceId":"{{T1}}","spanId":"{{C1}}","name":"{{name}}","score":1}""", Encoding.UTF8, "application/json"), Ct);

        var all = await GetAsync<List<ApiCandidate>>($"/api/annotations/unevaluated?name={name}&{Period}");
        var withSecondName = await GetAsync<List<ApiCandidate>>($"/api/annotations/unevaluated?name={name}&name=other.{name}&{Period}");
        var notSummaries = await GetAsync<List<ApiCandidate>>($"/api/annotations/unevaluated?name={name}&excludeFeature=summarise&{Period}");
        var first = await GetAsync<List<ApiCandidate>>($"/api/annotations/unevaluated?name={name}&limit=1&{Period}");

        Assert.Equal([C3, C4], all.Select(c => c.SpanId));
        Assert.Equal([C1, C3, C4], withSecondName.Select(c => c.SpanId)); // C1 lacks the second name
        Assert.Equal([C4], notSummaries.Select(c => c.SpanId));
        Assert.Equal([C3], first.Select(c => c.SpanId));
        Assert.Equal((T3, "summarise", "claude-sonnet-4"), (all[0].TraceId, all[0].Feature, all[0].Model));
    }

    [Theory]
    [InlineData("/api/annotations/aggregates/cost-per-quality", "name is required")]
    [InlineData("/api/annotations/aggregates/cost-per-quality?name=x&by=user", "feature or model")]
    [InlineData("/api/annotations/aggregates/quality-over-time?name=x&bucket=week", "hour or day")]
    [InlineData("/api/annotations/unevaluated", "annotation names")]
    [InlineData("/api/annotations?traceId=nothex", "32 hex")]
    public async Task Bad_queries_are_400_with_the_reason(string path, string reason)
    {
        using var response = await Client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Names_list_the_annotation_names_with_counts()
    {
        var name = await ScoreAsync();

        var names = await GetAsync<List<ApiAnnotationName>>("/api/annotations/names");

        var row = names.Single(n => n.Name == name);
        Assert.Equal((3L, 3L, 0.5, 1.0), (row.Count, row.Scored, row.MinScore!.Value, row.MaxScore!.Value));
    }

    private static string Iso(DateTime time) => Uri.EscapeDataString(time.ToString("yyyy-MM-ddTHH:mm:ssZ"));
}

public sealed class DuckDbQualityAggregateTests(DuckDbSeededFixture fixture) : QualityAggregateTests(fixture), IClassFixture<DuckDbSeededFixture>;

public sealed class PostgresQualityAggregateTests(PostgresSeededFixture fixture) : QualityAggregateTests(fixture), IClassFixture<PostgresSeededFixture>;
