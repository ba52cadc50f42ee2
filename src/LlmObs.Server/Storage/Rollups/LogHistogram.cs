using System.Globalization;

namespace LlmObs.Server.Storage.Rollups;

/// <summary>
/// Percentiles from merged histograms: values fall into logarithmic bins <c>floor(ln v / ln 1.01)</c>, so every
/// bin spans 1% of its values; each bin keeps its count, sum, minimum and maximum. Rollup rows of different hours,
/// services or models merge by adding counts and sums, which exact percentiles cannot do.
/// </summary>
/// <remarks>
/// A percentile is the same linear interpolation between ranks that <c>quantile_cont</c> / <c>percentile_cont</c>
/// compute, with the value at a rank read from its bin: exact when the bin holds one distinct value (its minimum
/// equals its maximum), otherwise interpolated between the bin's minimum and maximum, so within 1% of the exact value.
/// Zero and negative values get bins of their own below every positive bin.
/// </remarks>
internal static class LogHistogram
{
    private const double Gamma = 1.01;
    private const int ZeroBin = -1_000_000;
    private const int NegativeBin = -2_000_000;

    /// <summary>The relative accuracy of a percentile read from bins.</summary>
    public const double RelativeAccuracy = Gamma - 1;

    /// <summary>The bin of the double-valued SQL expression <paramref name="value"/> (not null), in SQL both engines accept.</summary>
    public static string BinSql(string value)
    {
        var lnGamma = Math.Log(Gamma).ToString("R", CultureInfo.InvariantCulture);
        return $"(CASE WHEN {value} > 0 THEN CAST(floor(ln({value}) / {lnGamma}) AS INTEGER) WHEN {value} = 0 THEN {ZeroBin} ELSE {NegativeBin} END)";
    }

    /// <summary>The percentile <paramref name="fraction"/> of the values in <paramref name="bins"/> (sorted by bin), or null when empty.</summary>
    public static double? Percentile(IReadOnlyList<HistogramBin> bins, double fraction)
    {
        var count = bins.Sum(b => b.Count);
        if (count == 0)
        {
            return null;
        }

        var rank = (count - 1) * fraction;
        var lower = (long)Math.Floor(rank);
        var upper = (long)Math.Ceiling(rank);
        var low = ValueAt(bins, lower);
        return lower == upper ? low : low + (rank - lower) * (ValueAt(bins, upper) - low);
    }

    /// <summary>The value of rank <paramref name="rank"/> (0-based, ascending).</summary>
    private static double ValueAt(IReadOnlyList<HistogramBin> bins, long rank)
    {
        long before = 0;
        foreach (var bin in bins)
        {
            if (rank < before + bin.Count)
            {
                return bin.Count == 1 || bin.Max == bin.Min
                    ? bin.Min
                    : bin.Min + (bin.Max - bin.Min) * (rank - before) / (bin.Count - 1);
            }

            before += bin.Count;
        }

        return bins[^1].Max;
    }
}

/// <summary>One bin of a merged histogram.</summary>
internal sealed record HistogramBin(int Bin, long Count, double Sum, double Min, double Max);
