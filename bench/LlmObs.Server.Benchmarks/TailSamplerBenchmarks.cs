using BenchmarkDotNet.Attributes;
using LlmObs.Server.Sampling;

namespace LlmObs.Server.Benchmarks;

/// <summary>
/// The tail sampler with 50,000 traces in flight: buffer every span of every trace, then decide them all.
/// Allocated bytes per operation approximate the memory the buffer holds at its peak.
/// </summary>
[MemoryDiagnoser]
public class TailSamplerBenchmarks
{
    private const int SpansPerTrace = 4;
    private static readonly DateTime T0 = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    private List<SampledSpan<int>> _spans = [];

    [Params(50_000)]
    public int ConcurrentTraces { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var bytes = new byte[16];
        _spans = new List<SampledSpan<int>>(ConcurrentTraces * SpansPerTrace);
        var attributes = new Dictionary<string, double> { ["eval.score"] = 0.9 };
        for (var t = 0; t < ConcurrentTraces; t++)
        {
            random.NextBytes(bytes);
            var traceId = Convert.ToHexStringLower(bytes);
            for (var s = 0; s < SpansPerTrace; s++)
            {
                var start = T0.AddMilliseconds(t);
                _spans.Add(new SampledSpan<int>(traceId, s == 0 ? null : "00f067aa0ba902b7", start, start.AddMilliseconds(500 + s),
                    IsError: t % 100 == 0 && s == 1, Feature: s == 0 ? null : "ask", NumericAttributes: s == 1 ? attributes : null,
                    EstimatedBytes: 2048, Payload: s));
            }
        }
    }

    /// <summary>Spans per second = ConcurrentTraces × 4 / the mean time.</summary>
    [Benchmark]
    public int BufferAndDecide()
    {
        var sampler = new TailSampler<int>(new TailSamplingOptions
        {
            Enabled = true,
            Probability = 0.05,
            LatencyThreshold = TimeSpan.FromSeconds(5),
            KeepAttributeRanges = { ["eval.score"] = new NumericRange { Max = 0.3 } },
            MaxBufferedTraces = ConcurrentTraces,
            MaxBufferedBytes = long.MaxValue,
        });

        sampler.Add(_spans, T0);
        return sampler.DecideAll(T0.AddSeconds(10)).Count;
    }
}
