using System.Diagnostics;
using LlmObs.Sampling;
using LlmObs.Semantics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit;

namespace LlmObs.ServiceDefaults.Tests.Sampling;

public sealed class HeadSamplerTests
{
    private const int TraceCount = 100_000;

    [Fact]
    public void Root_spans_are_recorded_at_the_configured_share()
    {
        var sampler = new LlmObsSampler(new HeadSamplingOptions { Probability = 0.05 });

        var share = Enumerable.Range(0, TraceCount).Average(_ => Sample(sampler, ActivityTraceId.CreateRandom()) ? 1.0 : 0.0);

        Assert.InRange(share, 0.045, 0.055);
    }

    [Fact]
    public void Features_get_their_own_share_and_a_new_feature_is_recorded_whole_until_its_date()
    {
        var now = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        var sampler = new LlmObsSampler(
            new HeadSamplingOptions
            {
                Probability = 0.05,
                Features =
                {
                    ["bulk_summaries"] = new FeatureSampling { Probability = 0.01 },
                    ["launch"] = new FeatureSampling { Probability = 0.10, AllUntil = now.AddDays(7) },
                    ["retired_launch"] = new FeatureSampling { Probability = 0.10, AllUntil = now.AddDays(-1) },
                },
            },
            new FixedTime(now));

        double Share(string feature) => Enumerable.Range(0, TraceCount / 2).Average(_ => Sample(sampler, ActivityTraceId.CreateRandom(), feature) ? 1.0 : 0.0);

        Assert.Equal(1.0, Share("launch"));
        Assert.InRange(Share("retired_launch"), 0.09, 0.11);
        Assert.InRange(Share("bulk_summaries"), 0.007, 0.013);
        Assert.InRange(Share("ask"), 0.045, 0.055);
    }

    [Fact]
    public void The_same_trace_gets_the_same_verdict_everywhere_and_children_follow_their_parent()
    {
        var options = new HeadSamplingOptions { Probability = 0.3 };
        var serviceA = new LlmObsSampler(options);
        var serviceB = new LlmObsSampler(options);

        for (var i = 0; i < 10_000; i++)
        {
            var traceId = ActivityTraceId.CreateRandom();
            var kept = Sample(serviceA, traceId);
            Assert.Equal(kept, Sample(serviceB, traceId));

            // Downstream, the span has a (remote) parent: it follows the caller's flag, whatever its own share says.
            var parent = new ActivityContext(traceId, ActivitySpanId.CreateRandom(), kept ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true);
            var child = new LlmObsSampler(new HeadSamplingOptions { Probability = kept ? 0 : 1 })
                .ShouldSample(new SamplingParameters(parent, traceId, "child", ActivityKind.Server));
            Assert.Equal(kept, child.Decision == SamplingDecision.RecordAndSample);
        }
    }

    [Fact]
    public void In_a_tracer_provider_a_dropped_root_drops_its_whole_trace()
    {
        using var source = new ActivitySource("HeadSamplerTests");
        var exported = new List<Activity>();
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .SetSampler(new LlmObsSampler(new HeadSamplingOptions { Probability = 0.5 }))
            .AddInMemoryExporter(exported)
            .Build())
        {
            for (var i = 0; i < 2_000; i++)
            {
                using var root = source.StartActivity("request", ActivityKind.Server);
                using var child = source.StartActivity("chat gpt-4o-mini", ActivityKind.Client);
            }
        }

        var byTrace = exported.GroupBy(a => a.TraceId).ToList();
        Assert.All(byTrace, trace => Assert.Equal(2, trace.Count()));
        Assert.InRange(byTrace.Count, 850, 1150);
    }

    private static bool Sample(LlmObsSampler sampler, ActivityTraceId traceId, string? feature = null)
    {
        var tags = feature is null ? null : new[] { new KeyValuePair<string, object?>(LlmObsAttributes.Feature, feature) };
        return sampler.ShouldSample(new SamplingParameters(default, traceId, "request", ActivityKind.Server, tags)).Decision
            == SamplingDecision.RecordAndSample;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
