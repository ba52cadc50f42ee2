namespace LlmObs.Server.Sampling;

/// <summary>A decided trace: whether it is kept, which policy kept it (or why it was dropped), and its spans.</summary>
internal sealed record TraceDecision<TPayload>(string TraceId, bool Keep, string Reason, IReadOnlyList<TPayload> Spans);

/// <summary>The reasons a decision records.</summary>
internal static class SamplingReasons
{
    public const string Error = "error";
    public const string Latency = "latency";
    public const string FeatureLatency = "feature_latency";
    public const string Attribute = "attribute";
    public const string Probabilistic = "probabilistic";
    public const string FeatureProbabilistic = "feature_probabilistic";
    public const string NotSampled = "not_sampled";
    public const string RateLimited = "rate_limited";
}
