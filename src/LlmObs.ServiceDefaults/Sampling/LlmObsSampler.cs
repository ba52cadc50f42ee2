using System.Diagnostics;
using LlmObs.Context;
using LlmObs.Semantics;
using OpenTelemetry.Trace;

namespace LlmObs.Sampling;

/// <summary>
/// A parent-based, per-feature ratio sampler. A span with a parent follows the parent's decision (so downstream
/// services keep exactly the traces their callers keep); a root span is sampled by its trace id with the share of
/// its feature, read from the span's <c>llmobs.feature</c> tag or the ambient <see cref="LlmObsContext"/> baggage.
/// </summary>
public sealed class LlmObsSampler : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    private readonly HeadSamplingOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the sampler.</summary>
    /// <param name="options">The shares to record.</param>
    /// <param name="time">The clock "all until" dates are read against; the system clock by default.</param>
    public LlmObsSampler(HeadSamplingOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time ?? TimeProvider.System;
        Description = $"LlmObsSampler{{{options.Probability}}}";
    }

    /// <inheritdoc />
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var parent = samplingParameters.ParentContext;
        if (parent.TraceId != default && parent.SpanId != default)
        {
            return (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? new SamplingResult(SamplingDecision.RecordAndSample) : Drop;
        }

        var probability = ProbabilityFor(FeatureOf(samplingParameters));
        return TraceIdRandomness.Keeps(samplingParameters.TraceId, probability)
            ? new SamplingResult(SamplingDecision.RecordAndSample)
            : Drop;
    }

    private double ProbabilityFor(string? feature)
    {
        if (feature is null || !_options.Features.TryGetValue(feature, out var rule))
        {
            return _options.Probability;
        }

        return rule.AllUntil is { } until && _time.GetUtcNow() < until ? 1.0 : rule.Probability;
    }

    private static string? FeatureOf(in SamplingParameters parameters)
    {
        if (parameters.Tags is { } tags)
        {
            foreach (var (key, value) in tags)
            {
                if (key == LlmObsAttributes.Feature && value is string feature)
                {
                    return feature;
                }
            }
        }

        return LlmObsContext.Feature;
    }
}
