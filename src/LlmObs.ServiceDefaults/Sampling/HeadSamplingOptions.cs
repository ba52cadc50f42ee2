namespace LlmObs.Sampling;

/// <summary>
/// Head sampling in a service, bound from <c>LlmObs:Sampling</c>: which share of new traces is recorded, per feature.
/// Decisions are made once, at the root of a trace, from its trace id; every other span follows its parent, so a
/// trace is kept or dropped whole across services.
/// </summary>
public sealed class HeadSamplingOptions
{
    /// <summary>The share of traces recorded when no feature rule applies (0.05 = 5%). Default: everything.</summary>
    public double Probability { get; set; } = 1.0;

    /// <summary>Per-feature rules, by feature name, replacing <see cref="Probability"/> for that feature.</summary>
    public Dictionary<string, FeatureSampling> Features { get; set; } = [];
}

/// <summary>How much of one feature's traffic is recorded.</summary>
public sealed class FeatureSampling
{
    /// <summary>The share of the feature's traces recorded.</summary>
    public double Probability { get; set; } = 1.0;

    /// <summary>
    /// Record every trace of the feature until this moment, then <see cref="Probability"/>: full visibility while a
    /// new feature is launched.
    /// </summary>
    public DateTimeOffset? AllUntil { get; set; }
}
