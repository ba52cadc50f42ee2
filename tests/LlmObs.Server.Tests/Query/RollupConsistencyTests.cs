using System.Data.Common;
using System.Text.Json;
using LlmObs.Server.Query;
using LlmObs.Server.Query.DuckDb;
using LlmObs.Server.Query.Postgres;
using LlmObs.Server.Query.Sql;
using LlmObs.Server.Storage.Maintenance;
using LlmObs.Server.Storage.Retention;
using LlmObs.Server.Storage.Rollups;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;
using OtlpSpan = OpenTelemetry.Proto.Trace.V1.Span;
using OtlpStatus = OpenTelemetry.Proto.Trace.V1.Status;

namespace LlmObs.Server.Tests.Query;

/// <summary>
/// The rollups answer every aggregate as the spans do: on a random data set over three closed days, for whole and
/// partial periods and the filters the rollups keep; with spans that arrive after their hour was rolled up; after
/// retention and clear. Percentiles read from histograms may differ by <see cref="LogHistogram.RelativeAccuracy"/>.
/// </summary>
public abstract class RollupConsistencyTests
{
    private static readonly DateTime Start = new(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly string[] Services = ["rag", "worker"];
    private static readonly (string Model, string Provider, string Operation)[] Models =
        [("gpt-4o-mini", "openai", "chat"), ("claude-sonnet-4", "anthropic", "chat"), ("text-embedding-3-small", "openai", "embeddings")];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract SeededServerFixture NewFixture(IEnumerable<ExportTraceServiceRequest> seed);

    private static IEnumerable<SpanFilter> Filters()
    {
        var end = Start.AddDays(3);
        yield return new SpanFilter { From = Start, To = end };
        yield return new SpanFilter { From = Start.AddHours(5.5), To = Start.AddDays(2).AddHours(7.25) };
        yield return new SpanFilter();
        yield return new SpanFilter { From = Start.AddHours(2.5), To = Start.AddHours(20) };
        yield return new SpanFilter { From = Start.AddDays(1), To = Start.AddDays(1).AddHours(6), Service = "rag" };
        yield return new SpanFilter { From = Start.AddHours(13), To = end, Service = "worker" };
        yield return new SpanFilter { From = Start, To = end, Feature = "ask", Model = "gpt-4o-mini" };
        yield return new SpanFilter { From = Start, To = end, Status = StatusFilter.Error };
        yield return new SpanFilter { From = Start, To = end, Status = StatusFilter.Ok, Project = "support" };
        yield return new SpanFilter { From = Start.AddHours(2), To = end, User = "user-3" };
    }

    [Fact]
    public async Task Rollups_answer_as_the_spans_do()
    {
        await using var fixture = await StartAsync(RandomSeed(200, 7));
        var (raw, rolled) = Queries(fixture);

        var run = await RollUpAsync(fixture);

        Assert.True(run.Hours >= 72 && run.Days == 3, $"rolled up {run.Hours} hours, {run.Days} days");
        foreach (var filter in Filters())
        {
            await AssertSameAsync(raw, rolled, filter);
        }

        // And the answers above did come from the rollups: doubling their costs shows.
        await ExecuteAsync(fixture, "UPDATE rollup_calls SET cost_usd = cost_usd * 2");
        var doubled = await rolled.CostByAsync(new SpanFilter { From = Start, To = Start.AddDays(3) }, CostDimension.Model, Ct);
        var spans = await raw.CostByAsync(new SpanFilter { From = Start, To = Start.AddDays(3) }, CostDimension.Model, Ct);
        Assert.Equal(2 * spans.Sum(r => r.CostUsd), doubled.Sum(r => r.CostUsd), 1e-9);
        await ExecuteAsync(fixture, "DELETE FROM rollup_top_calls");
        Assert.Empty(await rolled.TopCallsAsync(new SpanFilter { From = Start, To = Start.AddDays(3) }, 10, Ct));
    }

    [Fact]
    public async Task Late_spans_count_at_once_and_after_their_hour_is_rolled_up_again()
    {
        await using var fixture = await StartAsync(RandomSeed(80, 11));
        var (raw, rolled) = Queries(fixture);
        await RollUpAsync(fixture);
        var period = new SpanFilter { From = Start, To = Start.AddDays(3) };
        var before = (await raw.ErrorRateAsync(period, Ct)).Overall.Calls;

        // A trace in a rolled-up hour, its user on a root span; and a root (with a user) that arrives after its call.
        var late = NewTraceId();
        var root = NewSpanId();
        await PostAsync(fixture, Export("rag", null,
            Root(late, root, Start.AddDays(1).AddHours(4), "late-user"),
            Call(late, root, Start.AddDays(1).AddHours(4).AddSeconds(1), Models[0], "ask", 0.5, 900, 1200, null, error: true, user: null)));
        var orphan = NewTraceId();
        var orphanRoot = NewSpanId();
        await PostAsync(fixture, Export("rag", null,
            Call(orphan, orphanRoot, Start.AddDays(2).AddSeconds(5), Models[1], "summarise", 0.25, 400, 700, 90, error: false, user: null)));
        await RollUpAsync(fixture);
        await PostAsync(fixture, Export("rag", null, Root(orphan, orphanRoot, Start.AddDays(2).AddMinutes(-1), "root-user")));

        // Before the job runs again: the dirty hours are read from the spans.
        Assert.Equal(before + 2, (await rolled.ErrorRateAsync(period, Ct)).Overall.Calls);
        await AssertSameAsync(raw, rolled, period with { User = null }, skipUsers: true);

        await RollUpAsync(fixture);

        foreach (var filter in Filters())
        {
            await AssertSameAsync(raw, rolled, filter);
        }

        var users = await rolled.CostByAsync(period, CostDimension.User, Ct);
        Assert.Equal(0.25, users.Single(u => u.Key == "root-user").CostUsd, 1e-9); // the root came a day earlier than its call
        Assert.Equal(0.5, users.Single(u => u.Key == "late-user").CostUsd, 1e-9);
    }

    [Fact]
    public async Task Retention_and_clear_take_the_rollups_with_the_spans()
    {
        await using var fixture = await StartAsync(RandomSeed(120, 5));
        var (raw, rolled) = Queries(fixture);
        await RollUpAsync(fixture);

        // Everything before the second day goes.
        var retention = fixture.Server.Services.GetRequiredService<IRetentionTarget>();
        var result = await retention.ApplyRetentionAsync(new RetentionPolicy(TimeSpan.FromDays(1), null), Start.AddDays(2).AddHours(1), Ct);
        Assert.Contains(DateOnly.FromDateTime(Start), result.DaysRemoved);

        foreach (var filter in Filters())
        {
            await AssertSameAsync(raw, rolled, filter);
        }

        Assert.Empty(await rolled.CostPerDayAsync(new SpanFilter { From = Start, To = Start.AddDays(1) }, CostDimension.User, null, Ct));

        await fixture.Server.Services.GetRequiredService<IStoreMaintenance>().ClearAsync(Ct);

        Assert.Empty(await rolled.CostByAsync(new SpanFilter(), CostDimension.Model, Ct));
        Assert.Equal(0, (await rolled.LatencyAsync(new SpanFilter { From = Start, To = Start.AddDays(3) }, Ct)).Count);
        await PostAsync(fixture, RandomSeed(20, 3).First());
        await RollUpAsync(fixture);
        foreach (var filter in Filters())
        {
            await AssertSameAsync(raw, rolled, filter);
        }
    }

    [Fact]
    public async Task Newest_traces_and_calls_are_found_from_the_last_hours_as_a_full_sort_finds_them()
    {
        await using var fixture = await StartAsync(RandomSeed(200, 13));
        var (raw, rolled) = Queries(fixture);
        await RollUpAsync(fixture);

        // A late span two days back in a trace of the last hours: that trace now starts earlier (dirty hour, read from the spans).
        var pages = new[] { new PageRequest(0, 10), new PageRequest(10, 10), new PageRequest(0, 40), new PageRequest(150, 50) };
        var periods = new[]
        {
            new SpanFilter { From = Start, To = Start.AddDays(3) },
            new SpanFilter { From = Start.AddHours(30.5), To = Start.AddDays(2).AddHours(18.25) },
            new SpanFilter { To = Start.AddDays(3) },
        };
        async Task AssertSamePagesAsync()
        {
            foreach (var period in periods)
            {
                foreach (var page in pages)
                {
                    var expected = await raw.ListTracesAsync(period, page, Ct);
                    var actual = await rolled.ListTracesAsync(period, page, Ct);
                    AssertJsonEqual(JsonSerializer.SerializeToElement(expected), JsonSerializer.SerializeToElement(actual), $"traces {page} for {period}", null);
                    foreach (var calls in new[] { period, period with { Service = "worker" }, period with { Status = StatusFilter.Error } })
                    {
                        AssertJsonEqual(
                            JsonSerializer.SerializeToElement(await raw.ListCallsAsync(calls, page, Ct)),
                            JsonSerializer.SerializeToElement(await rolled.ListCallsAsync(calls, page, Ct)), $"calls {page} for {calls}", null);
                    }
                }
            }
        }

        await AssertSamePagesAsync();
        var newest = (await raw.ListTracesAsync(periods[0], new PageRequest(0, 3), Ct)).Items[2];
        await PostAsync(fixture, Export("worker", null, Call(Convert.FromHexString(newest.TraceId), NewSpanId(), Start.AddDays(1), Models[0], "ask", 0.01, 10, 20, null, false, null)));
        await AssertSamePagesAsync();
        await RollUpAsync(fixture);
        await AssertSamePagesAsync();
        Assert.DoesNotContain(newest.TraceId, (await rolled.ListTracesAsync(periods[0], new PageRequest(0, 10), Ct)).Items.Select(t => t.TraceId));

        // And the pages above did come from trace_index: without it, traces that began before the last hours look newer.
        await ExecuteAsync(fixture, "DELETE FROM trace_index");
        var changed = 0;
        foreach (var period in periods)
        {
            var expected = await raw.ListTracesAsync(period, new PageRequest(0, 40), Ct);
            var actual = await rolled.ListTracesAsync(period, new PageRequest(0, 40), Ct);
            changed += expected.Items.Select(t => t.TraceId).SequenceEqual(actual.Items.Select(t => t.TraceId)) ? 0 : 1;
        }

        Assert.True(changed > 0);
    }

    [Fact]
    public async Task A_trace_is_found_whole_before_and_after_its_spans_are_rolled_up()
    {
        var trace = NewTraceId();
        var root = NewSpanId();
        await using var fixture = await StartAsync([Export("rag", null,
            Root(trace, root, Start.AddHours(3), "someone"),
            Call(trace, root, Start.AddHours(3).AddSeconds(1), Models[0], "ask", 0.01, 100, 200, null, false, null))]);
        await RollUpAsync(fixture);

        Assert.Equal(2, (await fixture.Server.GetTraceAsync(Hex(trace))).Spans.Count);

        // A span of the same trace, hours later and after the rollup: found through the dirty hour, then through the index.
        await PostAsync(fixture, Export("worker", null, Call(trace, root, Start.AddHours(9), Models[1], "summarise", 0.02, 100, 300, null, false, null)));
        Assert.Equal(3, (await fixture.Server.GetTraceAsync(Hex(trace))).Spans.Count);
        await RollUpAsync(fixture);
        Assert.Equal(3, (await fixture.Server.GetTraceAsync(Hex(trace))).Spans.Count);
    }

    private async Task<SeededServerFixture> StartAsync(IEnumerable<ExportTraceServiceRequest> seed)
    {
        var fixture = NewFixture(seed);
        await fixture.InitializeAsync();
        Assert.SkipWhen(fixture.Unavailable is not null, fixture.Unavailable ?? "");
        return fixture;
    }

    private static Task<RollupRun> RollUpAsync(SeededServerFixture fixture) =>
        fixture.Server.Services.GetRequiredService<RollupJob>().CatchUpAsync(DateTime.UtcNow, TestContext.Current.CancellationToken);

    private static (SqlSpanQueries Raw, SqlSpanQueries Rolled) Queries(SeededServerFixture fixture)
    {
        var source = Source(fixture);
        return (new SqlSpanQueries(source, useRollups: false), new SqlSpanQueries(source));
    }

    private static ISqlConnectionSource Source(SeededServerFixture fixture) => fixture is PostgresSeededFixture
        ? fixture.Server.Services.GetRequiredService<PostgresQuerySource>()
        : fixture.Server.Services.GetRequiredService<DuckDbQuerySource>();

    private static async Task ExecuteAsync(SeededServerFixture fixture, string sql)
    {
        await using var connection = await Source(fixture).OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task PostAsync(SeededServerFixture fixture, ExportTraceServiceRequest request)
    {
        using var response = await fixture.Server.PostTracesAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Every aggregate of <paramref name="filter"/> through both, as JSON, numbers compared with a tolerance.</summary>
    private static async Task AssertSameAsync(SqlSpanQueries raw, SqlSpanQueries rolled, SpanFilter filter, bool skipUsers = false)
    {
        async Task<Dictionary<string, object>> Answers(ISpanQueries q)
        {
            var answers = new Dictionary<string, object>
            {
                ["cost-per-day feature"] = await q.CostPerDayAsync(filter, CostDimension.Feature, null, Ct),
                ["cost-per-day model"] = await q.CostPerDayAsync(filter, CostDimension.Model, null, Ct),
                ["cost-by model"] = await q.CostByAsync(filter, CostDimension.Model, Ct),
                ["cost-by feature"] = await q.CostByAsync(filter, CostDimension.Feature, Ct),
                ["cost-per-call"] = await q.CostPerCallAsync(filter, Ct),
                ["cache-hit-rate"] = await q.CacheHitRateAsync(filter, Ct),
                ["latency by model"] = await q.LatencyByModelAsync(filter, Ct),
                ["latency"] = await q.LatencyAsync(filter, Ct),
                ["error-rate"] = await q.ErrorRateAsync(filter, Ct),
                ["tokens per hour"] = await q.TokensOverTimeAsync(filter, TimeBucket.Hour, Ct),
                ["tokens per day"] = await q.TokensOverTimeAsync(filter, TimeBucket.Day, Ct),
                ["facets"] = await q.FacetsAsync(filter, Ct),
                ["top calls"] = await q.TopCallsAsync(filter, 10, Ct),
                ["top call"] = await q.TopCallsAsync(filter, 1, Ct),
            };
            answers["cost-per-day feature top 2"] = await KeptTopAsync(q, CostDimension.Feature, 2);
            if (!skipUsers)
            {
                answers["cost-per-day user"] = await q.CostPerDayAsync(filter, CostDimension.User, null, Ct);
                answers["cost-by user"] = await q.CostByAsync(filter, CostDimension.User, Ct);
                answers["cost-per-day user top 3"] = await KeptTopAsync(q, CostDimension.User, 3);
            }

            return answers;
        }

        // The database's fold to the top keys, checked against the same fold of the whole split done here.
        async Task<IReadOnlyList<DailyCost>> KeptTopAsync(ISpanQueries q, CostDimension by, int top)
        {
            var kept = await q.CostPerDayAsync(filter, by, top, Ct);
            var all = await q.CostPerDayAsync(filter, by, null, Ct);
            var keys = all.GroupBy(r => r.Key).Select(g => (g.Key, Cost: g.Sum(r => r.CostUsd)))
                .OrderByDescending(k => k.Cost).ThenBy(k => k.Key, StringComparer.Ordinal).Take(top).Select(k => k.Key).ToHashSet();
            var folded = all.GroupBy(r => (r.Day, Key: keys.Contains(r.Key) ? r.Key : DailyCost.OtherKey))
                .Select(g => (g.Key.Day, g.Key.Key, Calls: g.Sum(r => r.Calls), Cost: g.Sum(r => r.CostUsd)))
                .OrderBy(r => r.Day).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
            var actual = kept.OrderBy(r => r.Day).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
            Assert.Equal(folded.Select(r => (r.Day, r.Key, r.Calls)), actual.Select(r => (r.Day, r.Key, r.Calls)));
            Assert.All(folded.Zip(actual), pair => Assert.Equal(pair.First.Cost, pair.Second.CostUsd, 1e-9));
            return kept;
        }

        var expected = await Answers(raw);
        var actual = await Answers(rolled);
        foreach (var (name, value) in expected)
        {
            var context = $"{name} for {filter}";
            AssertJsonEqual(JsonSerializer.SerializeToElement(value), JsonSerializer.SerializeToElement(actual[name]), context, null);
        }
    }

    private static void AssertJsonEqual(JsonElement expected, JsonElement actual, string context, string? property)
    {
        Assert.True(expected.ValueKind == actual.ValueKind, $"{context}: {property} is {actual} instead of {expected}");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in expected.EnumerateObject())
                {
                    AssertJsonEqual(p.Value, actual.GetProperty(p.Name), context, p.Name);
                }

                break;
            case JsonValueKind.Array:
                Assert.True(expected.GetArrayLength() == actual.GetArrayLength(), $"{context}: {actual} instead of {expected}");
                foreach (var (e, a) in expected.EnumerateArray().Zip(actual.EnumerateArray()))
                {
                    AssertJsonEqual(e, a, context, property);
                }

                break;
            case JsonValueKind.Number:
                var (x, y) = (expected.GetDouble(), actual.GetDouble());
                var tolerance = property is "P50" or "P95" or "P99" ? LogHistogram.RelativeAccuracy * 1.0001 : 1e-9;
                Assert.True(Math.Abs(x - y) <= tolerance * Math.Max(Math.Abs(x), 1e-12), $"{context}: {property} is {y} instead of {x}");
                break;
            default:
                Assert.True(expected.ToString() == actual.ToString(), $"{context}: {property} is {actual} instead of {expected}");
                break;
        }
    }

    /// <summary>
    /// <paramref name="traces"/> traces at random times over the three days, a root span each (with the user on it for
    /// most), one to three model calls from a few minutes to an hour later (so some cross hours and days), a retrieval span.
    /// </summary>
    private static IEnumerable<ExportTraceServiceRequest> RandomSeed(int traces, int seed)
    {
        var random = new Random(seed);
        for (var t = 0; t < traces; t++)
        {
            var trace = NewTraceId();
            var root = NewSpanId();
            var start = Start.AddSeconds(random.Next(3 * 86_400 - 4_000));
            var user = random.Next(6) == 0 ? null : "user-" + random.Next(8);
            var onRoot = random.Next(3) > 0;
            var spans = new List<OtlpSpan> { Root(trace, root, start, onRoot ? user : null) };
            var at = start;
            for (var c = random.Next(1, 4); c > 0; c--)
            {
                at = at.AddSeconds(random.Next(1, 1_200));
                var model = Models[random.Next(Models.Length)];
                spans.Add(Call(trace, root, at, model, random.Next(2) == 0 ? "ask" : "summarise",
                    Math.Round(random.NextDouble() * random.NextDouble() * 0.2, 6), random.Next(10, 5_000), random.Next(20, 4_000),
                    model.Operation == "chat" && random.Next(2) == 0 ? random.Next(30, 900) : null, random.Next(12) == 0, onRoot ? null : user));
            }

            var retrieval = Span(trace, NewSpanId(), "retrieval handbook", root, Attribute("gen_ai.operation.name", "retrieval"));
            spans.Add(retrieval.StartingAt(start.AddMilliseconds(15)));
            yield return Export(Services[random.Next(Services.Length)], random.Next(4) == 0 ? "support" : null, [.. spans]);
        }
    }

    private static ExportTraceServiceRequest Export(string service, string? project, params OtlpSpan[] spans)
    {
        var request = Request(service, spans);
        if (project is not null)
        {
            request.ResourceSpans[0].Resource.Attributes.Add(Attribute("openinference.project.name", project));
        }

        return request;
    }

    private static OtlpSpan Root(byte[] trace, byte[] spanId, DateTime start, string? user)
    {
        var span = Timed(Span(trace, spanId, "POST /ask"), start, 2_000);
        span.Kind = OtlpSpan.Types.SpanKind.Server;
        if (user is not null)
        {
            span.Attributes.Add(Attribute("user.id", user));
        }

        return span;
    }

    private static OtlpSpan Call(
        byte[] trace, byte[] parent, DateTime start, (string Model, string Provider, string Operation) model, string feature,
        double cost, long input, double durationMs, double? ttftMs, bool error, string? user)
    {
        var span = Timed(Span(trace, NewSpanId(), model.Operation + " " + model.Model, parent), start, durationMs);
        span.Kind = OtlpSpan.Types.SpanKind.Client;
        span.Attributes.Add(Attribute("gen_ai.operation.name", model.Operation));
        span.Attributes.Add(Attribute("gen_ai.provider.name", model.Provider));
        span.Attributes.Add(Attribute("gen_ai.request.model", model.Model));
        span.Attributes.Add(Attribute("gen_ai.response.model", model.Model));
        span.Attributes.Add(Attribute("gen_ai.usage.input_tokens", input));
        span.Attributes.Add(Attribute("gen_ai.usage.cache_read.input_tokens", input / 3));
        span.Attributes.Add(Attribute("gen_ai.usage.output_tokens", input / 5));
        span.Attributes.Add(new KeyValue { Key = "llmobs.cost.total", Value = new AnyValue { DoubleValue = cost } });
        span.Attributes.Add(Attribute("llmobs.feature", feature));
        if (ttftMs is { } ttft)
        {
            span.Attributes.Add(new KeyValue { Key = "gen_ai.response.time_to_first_chunk", Value = new AnyValue { DoubleValue = ttft / 1000 } });
        }

        if (user is not null)
        {
            span.Attributes.Add(Attribute("user.id", user));
        }

        if (error)
        {
            span.Status = new OtlpStatus { Code = OtlpStatus.Types.StatusCode.Error, Message = "rate limited" };
        }

        return span;
    }

    private static OtlpSpan Timed(OtlpSpan span, DateTime start, double durationMs)
    {
        span.StartTimeUnixNano = (ulong)(start - DateTime.UnixEpoch).Ticks * 100;
        span.EndTimeUnixNano = span.StartTimeUnixNano + (ulong)(durationMs * 1_000_000);
        return span;
    }
}

public sealed class DuckDbRollupConsistencyTests : RollupConsistencyTests
{
    protected override SeededServerFixture NewFixture(IEnumerable<ExportTraceServiceRequest> seed) => new DuckDbSeededFixture { Seed = seed };
}

public sealed class PostgresRollupConsistencyTests : RollupConsistencyTests
{
    protected override SeededServerFixture NewFixture(IEnumerable<ExportTraceServiceRequest> seed) => new PostgresSeededFixture { Seed = seed };
}
