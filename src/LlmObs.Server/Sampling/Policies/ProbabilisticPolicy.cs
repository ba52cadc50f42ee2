using LlmObs.Sampling;

namespace LlmObs.Server.Sampling.Policies;

/// <summary>
/// Keeps a share of traces chosen by trace id (the Collector's <c>probabilistic</c> policy), with per-feature
/// shares replacing the default for their feature: more for a new feature, less for a high-volume one.
/// </summary>
internal sealed class ProbabilisticPolicy(double probability, IReadOnlyDictionary<string, double> featureProbabilities) : ISamplingPolicy
{
    public bool Keeps<TPayload>(BufferedTrace<TPayload> trace, out string reason)
    {
        if (trace.Feature is { } feature && featureProbabilities.TryGetValue(feature, out var featureProbability))
        {
            reason = SamplingReasons.FeatureProbabilistic;
            return TraceIdRandomness.Keeps(trace.TraceId, featureProbability);
        }

        reason = SamplingReasons.Probabilistic;
        return TraceIdRandomness.Keeps(trace.TraceId, probability);
    }
}
