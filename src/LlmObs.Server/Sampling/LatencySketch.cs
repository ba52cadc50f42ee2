namespace LlmObs.Server.Sampling;

/// <summary>
/// A running latency distribution in log-spaced buckets (2% relative accuracy, as DDSketch does): constant memory
/// whatever the traffic, and quantiles good enough to say "slower than this feature's p95".
/// </summary>
internal sealed class LatencySketch
{
    private const double Gamma = 1.02;
    private static readonly double LogGamma = Math.Log(Gamma);

    private readonly SortedDictionary<int, long> _buckets = [];
    private double _cachedQuantile = double.NaN;
    private double _cachedFor = double.NaN;
    private long _countAtCache;

    public long Count { get; private set; }

    public void Add(double milliseconds)
    {
        var index = BucketOf(Math.Max(milliseconds, 0.001));
        _buckets[index] = _buckets.GetValueOrDefault(index) + 1;
        Count++;
    }

    /// <summary>The q-quantile; recomputed only after the sketch has grown by 1%, since it moves slowly.</summary>
    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        if (q == _cachedFor && Count - _countAtCache <= Math.Max(1, _countAtCache / 100))
        {
            return _cachedQuantile;
        }

        var rank = (long)Math.Ceiling(q * Count);
        long seen = 0;
        foreach (var (index, count) in _buckets)
        {
            seen += count;
            if (seen >= rank)
            {
                _cachedQuantile = Math.Pow(Gamma, index);
                break;
            }
        }

        _cachedFor = q;
        _countAtCache = Count;
        return _cachedQuantile;
    }

    private static int BucketOf(double value) => (int)Math.Ceiling(Math.Log(value) / LogGamma);
}
