using System.Net.Http.Json;
using System.Text.Json;
using LlmObs.Server.Tests.Infrastructure;
using OpenTelemetry.Proto.Trace.V1;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests.Sampling;

/// <summary>The server with tail sampling on: only kept traces are stored, each says why, and the counts are served.</summary>
public sealed class TailSamplingServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Only_error_traces_are_stored_when_nothing_else_is_sampled_and_the_reasons_are_counted()
    {
        using var directory = new TempDirectory();
        await using var server = LlmObsServer.StartInMemory(directory.Path, new Dictionary<string, string?>
        {
            ["LlmObs:Sampling:Enabled"] = "true",
            ["LlmObs:Sampling:Probability"] = "0",
            ["LlmObs:Sampling:LatencyQuantile"] = "",
            ["LlmObs:Sampling:DecisionWait"] = "00:00:00.5",
        });

        var errorTraces = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var traceId = NewTraceId();
            var root = Span(traceId, NewSpanId(), "POST /ask");
            if (i % 4 == 0)
            {
                root.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "provider failed" };
                errorTraces.Add(Hex(traceId));
            }

            (await server.PostTracesAsync(Request("rag", root))).EnsureSuccessStatusCode();
        }

        var counts = await Poll.UntilAsync(async () =>
        {
            var json = await server.Client.GetFromJsonAsync<JsonElement>("/api/sampling", Ct);
            var byReason = json.GetProperty("counts").EnumerateArray().ToDictionary(
                c => (c.GetProperty("decision").GetString(), c.GetProperty("reason").GetString()), c => c.GetProperty("traces").GetInt64());
            return byReason.Values.Sum() == 40 ? byReason : null;
        }, TimeSpan.FromSeconds(20));

        Assert.NotNull(counts);
        Assert.Equal(10, counts[("kept", "error")]);
        Assert.Equal(30, counts[("dropped", "not_sampled")]);

        var stored = await Poll.UntilAsync(async () =>
        {
            var traces = await server.Client.GetFromJsonAsync<JsonElement>("/api/traces?limit=100", Ct);
            var ids = traces.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("traceId").GetString()!).ToList();
            return ids.Count == 10 ? ids : null;
        }, TimeSpan.FromSeconds(20));
        Assert.NotNull(stored);
        Assert.Equal(errorTraces.Order(), stored.Order());

        var trace = await server.GetTraceAsync(errorTraces[0]);
        Assert.Equal("error", trace.Spans.Single().Attributes.GetProperty("llmobs.sampling.reason").GetString());
    }

    [Fact]
    public async Task The_server_prints_the_equivalent_Collector_configuration()
    {
        using var directory = new TempDirectory();
        await using var server = LlmObsServer.StartInMemory(directory.Path, new Dictionary<string, string?>
        {
            ["LlmObs:Sampling:Enabled"] = "true",
            ["LlmObs:Sampling:Probability"] = "0.05",
            ["LlmObs:Sampling:LatencyThreshold"] = "00:00:05",
        });

        var yaml = await server.Client.GetStringAsync("/api/sampling/collector-config?llmobsEndpoint=http://llmobs:4318", Ct);

        Assert.Contains("tail_sampling:", yaml);
        Assert.Contains("routing_key: traceID", yaml);
        Assert.Contains("latency: { threshold_ms: 5000 }", yaml);
        Assert.Contains("sampling_percentage: 5 }", yaml);
    }
}
