namespace LlmObs.Server.Sampling;

/// <summary>
/// Tail sampling of what the server stores, bound from <c>LlmObs:Sampling</c>. Policies are OR'd, as in the
/// OpenTelemetry Collector's <c>tail_sampling</c> processor: a trace is kept when any policy keeps it, and the
/// first policy (in the order below) that keeps it is recorded as the reason.
/// </summary>
public sealed class TailSamplingOptions
{
    public const string SectionName = "LlmObs:Sampling";

    /// <summary>Off by default: every trace is stored.</summary>
    public bool Enabled { get; set; }

    /// <summary>How long spans of a trace are buffered, from its first span, before the trace is decided.</summary>
    public TimeSpan DecisionWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most traces buffered at once; past it the oldest are decided early.</summary>
    public int MaxBufferedTraces { get; set; } = 50_000;

    /// <summary>The most span bytes (estimated) buffered at once; past it the oldest traces are decided early.</summary>
    public long MaxBufferedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>How many decisions are remembered so that late spans follow their trace.</summary>
    public int DecisionCacheSize { get; set; } = 200_000;

    /// <summary>Keep every trace with a span whose status is error.</summary>
    public bool KeepErrors { get; set; } = true;

    /// <summary>Keep every trace slower than this (root span duration); null for no absolute threshold.</summary>
    public TimeSpan? LatencyThreshold { get; set; }

    /// <summary>
    /// Keep traces slower than this running quantile of their feature's latency (0.95 = the running p95);
    /// null to turn off. Applies once a feature has <see cref="LatencyQuantileWarmup"/> traces.
    /// </summary>
    public double? LatencyQuantile { get; set; } = 0.95;

    /// <summary>How many traces of a feature are seen before its running quantile is trusted.</summary>
    public int LatencyQuantileWarmup { get; set; } = 50;

    /// <summary>
    /// Keep traces with a span attribute in a range, e.g. a low evaluation score or model confidence:
    /// <c>{ "eval.score": { "Max": 0.5 } }</c>.
    /// </summary>
    public Dictionary<string, NumericRange> KeepAttributeRanges { get; set; } = [];

    /// <summary>The share of all other traces kept, chosen by trace id so services agree (0.05 = 5%).</summary>
    public double Probability { get; set; } = 1.0;

    /// <summary>Per-feature shares that replace <see cref="Probability"/> for that feature (1.0 = everything).</summary>
    public Dictionary<string, double> FeatureProbabilities { get; set; } = [];

    /// <summary>A ceiling on the spans kept per second by the probabilistic policies; errors are never capped. Null for none.</summary>
    public int? MaxSpansPerSecond { get; set; }
}

/// <summary>An inclusive range; a missing bound is open.</summary>
public sealed class NumericRange
{
    /// <summary>The lowest value in the range, or null for no lower bound.</summary>
    public double? Min { get; set; }

    /// <summary>The highest value in the range, or null for no upper bound.</summary>
    public double? Max { get; set; }

    internal bool Contains(double value) => (Min is null || value >= Min) && (Max is null || value <= Max);
}
