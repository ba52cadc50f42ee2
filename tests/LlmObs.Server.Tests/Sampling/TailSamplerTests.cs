using LlmObs.Server.Sampling;

namespace LlmObs.Server.Tests.Sampling;

/// <summary>
/// The tail sampler over 100,000 generated traces: the promises users rely on when they turn sampling on.
/// </summary>
public sealed class TailSamplerTests
{
    private const int TraceCount = 100_000;
    private static readonly DateTime T0 = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Keeps_the_configured_share_of_ordinary_traces_and_every_error_and_slow_trace()
    {
        var sampler = new TailSampler<string>(new TailSamplingOptions
        {
            Enabled = true,
            Probability = 0.05,
            LatencyThreshold = TimeSpan.FromSeconds(5),
            LatencyQuantile = null,
            MaxBufferedTraces = TraceCount,
        });
        var random = new Random(42);
        var traces = Enumerable.Range(0, TraceCount).Select(i => GeneratedTrace.Random(random, i)).ToList();

        var decisions = RunAll(sampler, traces);

        var ordinary = traces.Where(t => !t.IsError && t.DurationMs <= 5000).ToList();
        var keptOrdinary = ordinary.Count(t => decisions[t.TraceId].Keep);
        var share = (double)keptOrdinary / ordinary.Count;
        Assert.InRange(share, 0.045, 0.055);

        Assert.All(traces.Where(t => t.IsError), t => Assert.True(decisions[t.TraceId].Keep, "every error trace is kept"));
        Assert.All(traces.Where(t => t.DurationMs > 5000), t => Assert.True(decisions[t.TraceId].Keep, "every slow trace is kept"));
        Assert.All(traces.Where(t => t.IsError), t => Assert.Equal(SamplingReasons.Error, decisions[t.TraceId].Reason));
    }

    [Fact]
    public void A_trace_split_across_services_and_batches_is_kept_or_dropped_whole()
    {
        var sampler = new TailSampler<string>(new TailSamplingOptions { Enabled = true, Probability = 0.1, LatencyQuantile = null });
        var random = new Random(7);
        var traces = Enumerable.Range(0, 20_000).Select(i => GeneratedTrace.Random(random, i)).ToList();

        // Each trace's spans come from two services, in two exports a second apart.
        var keptSpans = new Dictionary<string, int>();
        foreach (var half in new[] { 0, 1 })
        {
            var spans = traces.SelectMany(t => t.Spans.Where((_, index) => index % 2 == half));
            Record(sampler.Add(spans, T0.AddSeconds(half)), keptSpans);
        }

        Record(sampler.DecideDue(T0.AddSeconds(60)), keptSpans);

        Assert.All(traces, t => Assert.True(
            !keptSpans.TryGetValue(t.TraceId, out var kept) || kept == t.Spans.Count,
            $"trace {t.TraceId} kept {kept} of {t.Spans.Count} spans"));
        Assert.InRange(keptSpans.Count(kv => traces.First(t => t.TraceId == kv.Key) is { IsError: false }), 1_500, 2_500);
    }

    [Fact]
    public void Late_spans_follow_the_decision_of_their_trace()
    {
        var sampler = new TailSampler<string>(new TailSamplingOptions { Enabled = true, Probability = 0.5, LatencyQuantile = null });
        var random = new Random(3);
        var traces = Enumerable.Range(0, 10_000).Select(i => GeneratedTrace.Random(random, i, isError: false)).ToList();
        var decisions = RunAll(sampler, traces);

        var late = traces.Select(t => t.LateSpan(T0.AddMinutes(5))).ToList();
        var lateDecisions = sampler.Add(late, T0.AddMinutes(5)).ToDictionary(d => d.TraceId);
        lateDecisions = lateDecisions.Concat(sampler.DecideDue(T0.AddMinutes(10)).ToDictionary(d => d.TraceId)).ToDictionary();

        Assert.All(traces, t => Assert.Equal(decisions[t.TraceId].Keep, lateDecisions.ContainsKey(t.TraceId)));
        Assert.All(lateDecisions.Values, d => Assert.True(d.Keep));
        Assert.Equal(0, sampler.BufferedTraces);
    }

    [Fact]
    public void The_buffer_is_bounded_and_decides_the_oldest_traces_early_when_full()
    {
        var sampler = new TailSampler<string>(new TailSamplingOptions { Enabled = true, Probability = 1.0, MaxBufferedTraces = 1_000, LatencyQuantile = null });
        var random = new Random(5);
        var decided = 0;

        for (var i = 0; i < 5_000; i++)
        {
            decided += sampler.Add(GeneratedTrace.Random(random, i).Spans, T0).Count;
            Assert.True(sampler.BufferedTraces <= 1_000);
        }

        Assert.Equal(4_000, decided);
    }

    [Fact]
    public void Per_feature_shares_replace_the_default_for_their_feature()
    {
        var sampler = new TailSampler<string>(new TailSamplingOptions
        {
            Enabled = true,
            Probability = 0.05,
            LatencyQuantile = null,
            KeepErrors = false,
            FeatureProbabilities = { ["launch"] = 1.0, ["bulk_summaries"] = 0.01 },
            MaxBufferedTraces = TraceCount,
        });
        var random = new Random(11);
        string[] features = ["launch", "bulk_summaries", "ask"];
        var traces = Enumerable.Range(0, 60_000).Select(i => GeneratedTrace.Random(random, i, feature: features[i % 3], isError: false)).ToList();

        var decisions = RunAll(sampler, traces);

        double Share(string feature) => traces.Where(t => t.Feature == feature).Average(t => decisions[t.TraceId].Keep ? 1.0 : 0.0);
        Assert.Equal(1.0, Share("launch"));
        Assert.InRange(Share("bulk_summaries"), 0.006, 0.014);
        Assert.InRange(Share("ask"), 0.043, 0.057);
    }

    [Fact]
    public void Traces_slower_than_their_features_running_p95_are_kept()
    {
        var sampler = new TailSampler<string>(new TailSamplingOptions { Enabled = true, Probability = 0, KeepErrors = false, LatencyQuantile = 0.95, LatencyQuantileWarmup = 100 });
        var random = new Random(13);

        // "ask" usually takes 1–2 s and "summarise" 10–20 s: one absolute threshold could not serve both.
        var traces = Enumerable.Range(0, 20_000).Select(i => i % 2 == 0
            ? GeneratedTrace.Random(random, i, feature: "ask", durationMs: 1000 + random.NextDouble() * 1000, isError: false)
            : GeneratedTrace.Random(random, i, feature: "summarise", durationMs: 10_000 + random.NextDouble() * 10_000, isError: false)).ToList();

        var kept = new List<GeneratedTrace>();
        for (var i = 0; i < traces.Count; i++)
        {
            // Decided one by one, so the running quantile has seen every earlier trace.
            sampler.Add(traces[i].Spans, T0);
            kept.AddRange(sampler.DecideAll(T0).Where(d => d.Keep).Select(d => traces.First(t => t.TraceId == d.TraceId)));
        }

        Assert.InRange(kept.Count(t => t.Feature == "ask"), 300, 700);
        Assert.InRange(kept.Count(t => t.Feature == "summarise"), 300, 700);
        Assert.All(kept.Where(t => t.Feature == "ask"), t => Assert.True(t.DurationMs > 1850));
        Assert.All(kept.Where(t => t.Feature == "summarise"), t => Assert.True(t.DurationMs > 18_500));
    }

    [Fact]
    public void Low_scores_are_kept_and_the_rate_ceiling_caps_only_the_random_share()
    {
        var sampler = new TailSampler<string>(new TailSamplingOptions
        {
            Enabled = true,
            Probability = 1.0,
            LatencyQuantile = null,
            MaxSpansPerSecond = 100,
            KeepAttributeRanges = { ["eval.score"] = new NumericRange { Max = 0.3 } },
        });
        var random = new Random(17);
        var traces = Enumerable.Range(0, 1_000).Select(i => GeneratedTrace.Random(random, i, isError: i % 10 == 0, score: i % 10 == 1 ? 0.1 : 0.9)).ToList();

        var decisions = RunAll(sampler, traces);

        Assert.All(traces.Where(t => t.IsError), t => Assert.True(decisions[t.TraceId].Keep));
        Assert.All(traces.Where(t => !t.IsError && t.Score < 0.3), t => Assert.Equal(SamplingReasons.Attribute, decisions[t.TraceId].Reason));
        var randomlyKeptSpans = traces.Where(t => decisions[t.TraceId].Reason == SamplingReasons.Probabilistic).Sum(t => t.Spans.Count);
        Assert.InRange(randomlyKeptSpans, 1, 100);
        Assert.Contains(decisions.Values, d => d.Reason == SamplingReasons.RateLimited && !d.Keep);
    }

    private static Dictionary<string, (bool Keep, string Reason)> RunAll(TailSampler<string> sampler, IReadOnlyList<GeneratedTrace> traces)
    {
        var decisions = new Dictionary<string, (bool, string)>();
        foreach (var decision in sampler.Add(traces.SelectMany(t => t.Spans), T0).Concat(sampler.DecideDue(T0.AddMinutes(1))))
        {
            decisions[decision.TraceId] = (decision.Keep, decision.Reason);
        }

        Assert.Equal(traces.Count, decisions.Count);
        return decisions;
    }

    private static void Record(IEnumerable<TraceDecision<string>> decisions, Dictionary<string, int> keptSpans)
    {
        foreach (var decision in decisions.Where(d => d.Keep))
        {
            keptSpans[decision.TraceId] = keptSpans.GetValueOrDefault(decision.TraceId) + decision.Spans.Count;
        }
    }

    private sealed record GeneratedTrace(string TraceId, string Feature, double DurationMs, bool IsError, double Score, List<SampledSpan<string>> Spans)
    {
        public static GeneratedTrace Random(Random random, int index, string? feature = null, double? durationMs = null, bool? isError = null, double score = 0.9)
        {
            var traceId = Convert.ToHexStringLower(RandomBytes(random, 16));
            feature ??= "ask";
            var duration = durationMs ?? (random.NextDouble() < 0.02 ? 6000 + random.NextDouble() * 4000 : 200 + random.NextDouble() * 2000);
            var error = isError ?? random.NextDouble() < 0.01;
            var start = T0.AddMilliseconds(index);
            var spans = new List<SampledSpan<string>>();
            var count = 2 + random.Next(5);
            var attributes = new Dictionary<string, double> { ["eval.score"] = score };
            for (var s = 0; s < count; s++)
            {
                var root = s == 0;
                spans.Add(new SampledSpan<string>(
                    traceId,
                    root ? null : "00f067aa0ba902b7",
                    root ? start : start.AddMilliseconds(s),
                    root ? start.AddMilliseconds(duration) : start.AddMilliseconds(s + 1),
                    IsError: error && s == count - 1,
                    Feature: root ? null : feature,
                    NumericAttributes: s == 1 ? attributes : null,
                    EstimatedBytes: 1000,
                    Payload: $"{traceId}/{s}"));
            }

            return new GeneratedTrace(traceId, feature, duration, error, score, spans);
        }

        public SampledSpan<string> LateSpan(DateTime at) =>
            new(TraceId, "00f067aa0ba902b7", at, at.AddMilliseconds(1), false, Feature, null, 500, $"{TraceId}/late");

        private static byte[] RandomBytes(Random random, int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }
    }
}
