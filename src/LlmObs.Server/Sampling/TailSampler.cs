using System.Diagnostics.Metrics;
using LlmObs.Server.Sampling.Policies;

namespace LlmObs.Server.Sampling;

/// <summary>
/// Buffers spans by trace for the decision wait, then decides each trace whole by the configured policies, as the
/// OpenTelemetry Collector's <c>tail_sampling</c> processor does. Decisions are remembered so late spans follow them;
/// the buffer is bounded in traces and bytes (the oldest traces are decided early when it is full).
/// </summary>
/// <typeparam name="TPayload">The span as the rest of the pipeline knows it; handed back with the decision.</typeparam>
internal sealed class TailSampler<TPayload>
{
    public const string MeterName = "LlmObs.Server";

    private readonly TailSamplingOptions _options;
    private readonly IReadOnlyList<ISamplingPolicy> _policies;
    private readonly Dictionary<string, BufferedTrace<TPayload>> _traces = [];
    private readonly Queue<BufferedTrace<TPayload>> _arrivalOrder = new();
    private readonly DecisionCache _decisions;
    private readonly Dictionary<(bool Keep, string Reason), long> _counts = [];
    private readonly Counter<long> _decidedCounter;
    private readonly Lock _lock = new();
    private long _bufferedBytes;
    private long _rateWindow;
    private long _spansKeptInWindow;

    public TailSampler(TailSamplingOptions options, IMeterFactory? meterFactory = null)
    {
        _options = options;
        _decisions = new DecisionCache(options.DecisionCacheSize);
        _policies = CreatePolicies(options);
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _decidedCounter = meter.CreateCounter<long>("llmobs.sampling.traces", "{trace}", "Traces decided by the tail sampler, by decision and reason.");
        meter.CreateObservableGauge("llmobs.sampling.buffered_traces", () => BufferedTraces, "{trace}", "Traces waiting for their decision.");
    }

    public int BufferedTraces
    {
        get
        {
            lock (_lock)
            {
                return _traces.Count;
            }
        }
    }

    /// <summary>Kept and dropped traces so far, by reason.</summary>
    public IReadOnlyDictionary<(bool Keep, string Reason), long> Counts
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<(bool, string), long>(_counts);
            }
        }
    }

    /// <summary>
    /// Buffers the spans. Returns what is decided at once: late spans of traces already decided, and the oldest
    /// traces when the buffer overflows.
    /// </summary>
    public List<TraceDecision<TPayload>> Add(IEnumerable<SampledSpan<TPayload>> spans, DateTime now)
    {
        var decided = new List<TraceDecision<TPayload>>();
        lock (_lock)
        {
            foreach (var span in spans)
            {
                if (_decisions.TryGet(span.TraceId, out var earlier))
                {
                    // A late span follows its trace's decision (and is not counted as another trace).
                    if (earlier.Keep)
                    {
                        decided.Add(new TraceDecision<TPayload>(span.TraceId, true, earlier.Reason, [span.Payload]));
                    }

                    continue;
                }

                if (!_traces.TryGetValue(span.TraceId, out var trace))
                {
                    _traces[span.TraceId] = trace = new BufferedTrace<TPayload>(span.TraceId, now);
                    _arrivalOrder.Enqueue(trace);
                }

                trace.Add(span);
                _bufferedBytes += span.EstimatedBytes;
            }

            while (_traces.Count > _options.MaxBufferedTraces || _bufferedBytes > _options.MaxBufferedBytes)
            {
                if (DecideOldest(now) is { } early)
                {
                    decided.Add(early);
                }
            }
        }

        return decided;
    }

    /// <summary>Decides every trace whose decision wait has passed.</summary>
    public List<TraceDecision<TPayload>> DecideDue(DateTime now)
    {
        var decided = new List<TraceDecision<TPayload>>();
        lock (_lock)
        {
            while (_arrivalOrder.TryPeek(out var oldest) && now - oldest.FirstSeen >= _options.DecisionWait)
            {
                if (DecideOldest(now) is { } decision)
                {
                    decided.Add(decision);
                }
            }
        }

        return decided;
    }

    /// <summary>Decides everything still buffered, e.g. at shutdown.</summary>
    public List<TraceDecision<TPayload>> DecideAll(DateTime now)
    {
        var decided = new List<TraceDecision<TPayload>>();
        lock (_lock)
        {
            while (_arrivalOrder.Count > 0)
            {
                if (DecideOldest(now) is { } decision)
                {
                    decided.Add(decision);
                }
            }
        }

        return decided;
    }

    private TraceDecision<TPayload>? DecideOldest(DateTime now)
    {
        var trace = _arrivalOrder.Dequeue();
        if (!_traces.Remove(trace.TraceId))
        {
            return null;
        }

        _bufferedBytes -= trace.Bytes;
        var (keep, reason) = Decide(trace, now);
        _decisions.Remember(trace.TraceId, keep, reason);
        Count(keep, reason);
        return new TraceDecision<TPayload>(trace.TraceId, keep, reason, keep ? trace.Spans : []);
    }

    private (bool Keep, string Reason) Decide(BufferedTrace<TPayload> trace, DateTime now)
    {
        var keep = false;
        var reason = SamplingReasons.NotSampled;
        foreach (var policy in _policies)
        {
            if (policy.Keeps(trace, out var policyReason))
            {
                keep = true;
                reason = policyReason;
                break;
            }
        }

        foreach (var policy in _policies)
        {
            policy.Observe(trace);
        }

        if (keep && IsProbabilistic(reason) && !WithinRateCeiling(trace.Spans.Count, now))
        {
            return (false, SamplingReasons.RateLimited);
        }

        return (keep, reason);
    }

    /// <summary>The ceiling caps only the random share: errors, slow and low-scoring traces are what sampling is for.</summary>
    private static bool IsProbabilistic(string reason) =>
        reason is SamplingReasons.Probabilistic or SamplingReasons.FeatureProbabilistic;

    private bool WithinRateCeiling(int spans, DateTime now)
    {
        if (_options.MaxSpansPerSecond is not { } ceiling)
        {
            return true;
        }

        var window = now.Ticks / TimeSpan.TicksPerSecond;
        if (window != _rateWindow)
        {
            _rateWindow = window;
            _spansKeptInWindow = 0;
        }

        if (_spansKeptInWindow + spans > ceiling)
        {
            return false;
        }

        _spansKeptInWindow += spans;
        return true;
    }

    private void Count(bool keep, string reason)
    {
        _counts[(keep, reason)] = _counts.GetValueOrDefault((keep, reason)) + 1;
        _decidedCounter.Add(1, new KeyValuePair<string, object?>("decision", keep ? "kept" : "dropped"), new KeyValuePair<string, object?>("reason", reason));
    }

    private static List<ISamplingPolicy> CreatePolicies(TailSamplingOptions options)
    {
        var policies = new List<ISamplingPolicy>();
        if (options.KeepErrors)
        {
            policies.Add(new ErrorPolicy());
        }

        if (options.LatencyThreshold is { } threshold)
        {
            policies.Add(new LatencyThresholdPolicy(threshold));
        }

        if (options.LatencyQuantile is { } quantile)
        {
            policies.Add(new FeatureLatencyPolicy(quantile, options.LatencyQuantileWarmup));
        }

        if (options.KeepAttributeRanges.Count > 0)
        {
            policies.Add(new AttributeRangePolicy(options.KeepAttributeRanges));
        }

        policies.Add(new ProbabilisticPolicy(options.Probability, options.FeatureProbabilities));
        return policies;
    }
}
