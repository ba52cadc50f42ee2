namespace LlmObs.Server.Sampling.Policies;

/// <summary>Keeps traces slower than a fixed threshold (the Collector's <c>latency</c> policy).</summary>
internal sealed class LatencyThresholdPolicy(TimeSpan threshold) : ISamplingPolicy
{
    public bool Keeps<TPayload>(BufferedTrace<TPayload> trace, out string reason)
    {
        reason = SamplingReasons.Latency;
        return trace.DurationMs > threshold.TotalMilliseconds;
    }
}
