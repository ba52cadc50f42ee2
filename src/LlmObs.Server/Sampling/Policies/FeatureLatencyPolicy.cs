namespace LlmObs.Server.Sampling.Policies;

/// <summary>
/// Keeps traces slower than their feature's running quantile (e.g. p95): "slow" means slow for what the feature
/// usually costs in time, which one absolute threshold cannot say for a chat feature and a batch feature alike.
/// </summary>
internal sealed class FeatureLatencyPolicy(double quantile, int warmup) : ISamplingPolicy
{
    private const string NoFeature = "";
    private readonly Dictionary<string, LatencySketch> _sketches = [];

    public bool Keeps<TPayload>(BufferedTrace<TPayload> trace, out string reason)
    {
        reason = SamplingReasons.FeatureLatency;
        return _sketches.TryGetValue(trace.Feature ?? NoFeature, out var sketch)
            && sketch.Count >= warmup
            && trace.DurationMs > sketch.Quantile(quantile);
    }

    public void Observe<TPayload>(BufferedTrace<TPayload> trace)
    {
        var feature = trace.Feature ?? NoFeature;
        if (!_sketches.TryGetValue(feature, out var sketch))
        {
            _sketches[feature] = sketch = new LatencySketch();
        }

        sketch.Add(trace.DurationMs);
    }
}
