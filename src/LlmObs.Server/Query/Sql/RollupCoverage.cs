namespace LlmObs.Server.Query.Sql;

/// <summary>
/// What the rollups hold at the moment a query reads them: every hour before <see cref="RolledUntil"/>, except the
/// <see cref="DirtyHours"/> (spans arrived or changed after the hour was rolled up). Read per query, so a query
/// never mixes a bucket's rollup with that bucket's spans, and never misses spans a rollup does not hold.
/// </summary>
internal sealed record RollupCoverage(DateTime RolledUntil, IReadOnlySet<DateTime> DirtyHours)
{
    public static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    public static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <summary>
    /// Which buckets of <paramref name="grain"/> (an hour or a day) inside the filter's period the rollups answer,
    /// and the ranges of span start times left to read from the spans; null when the rollups answer none of it.
    /// </summary>
    public RollupPlan? Plan(SpanFilter filter, TimeSpan grain) => Plan(From(filter), To(filter), grain);

    /// <summary>
    /// As <see cref="Plan(SpanFilter, TimeSpan)"/> with days for the middle of the period and hours
    /// (<see cref="RollupPlan.RolledHours"/>) for the parts of its edge days that are rolled up.
    /// </summary>
    public RollupPlan? PlanDaysThenHours(SpanFilter filter)
    {
        var days = Plan(filter, Day);
        var hours = new List<TimeRange>();
        var raw = new List<TimeRange>();
        foreach (var piece in days?.Raw ?? [new TimeRange(From(filter), To(filter))])
        {
            if (Plan(piece.Start, piece.End, Hour) is { } edge)
            {
                hours.AddRange(edge.Rolled);
                raw.AddRange(edge.Raw);
            }
            else
            {
                raw.Add(piece);
            }
        }

        return days is null && hours.Count == 0 ? null : new RollupPlan(days?.Rolled ?? [], raw) { RolledHours = hours };
    }

    private RollupPlan? Plan(DateTime from, DateTime to, TimeSpan grain)
    {
        var start = Ceiling(from, grain);
        var end = Floor(to < RolledUntil ? to : RolledUntil, grain);
        if (start >= end)
        {
            return null;
        }

        var rolled = new List<TimeRange>();
        var next = start;
        foreach (var bad in DirtyHours.Where(h => h >= start && h < end).Select(h => Floor(h, grain)).Distinct().Order())
        {
            if (bad > next)
            {
                rolled.Add(new TimeRange(next, bad));
            }

            next = bad + grain;
        }

        if (next < end)
        {
            rolled.Add(new TimeRange(next, end));
        }

        if (rolled.Count == 0)
        {
            return null;
        }

        var raw = new List<TimeRange>();
        var cursor = from;
        foreach (var range in rolled)
        {
            if (range.Start > cursor)
            {
                raw.Add(new TimeRange(cursor, range.Start));
            }

            cursor = range.End;
        }

        if (cursor < to)
        {
            raw.Add(new TimeRange(cursor, to));
        }

        return new RollupPlan(rolled, raw);
    }

    private static DateTime From(SpanFilter filter) => filter.From is { } f ? Utc(f) : DateTime.MinValue;

    private static DateTime To(SpanFilter filter) => filter.To is { } t ? Utc(t) : DateTime.MaxValue;

    private static DateTime Floor(DateTime time, TimeSpan grain) =>
        new(time.Ticks - time.Ticks % grain.Ticks, DateTimeKind.Utc);

    private static DateTime Ceiling(DateTime time, TimeSpan grain)
    {
        var floor = Floor(time, grain);
        return floor == time ? floor : floor + grain;
    }

    private static DateTime Utc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };
}

/// <summary>
/// A period split in two: <see cref="Rolled"/>, bucket ranges the rollups answer, and <see cref="Raw"/>, span start
/// ranges read from the spans (the partial buckets at the period's edges, what is not rolled up yet, dirty hours).
/// <see cref="DateTime.MinValue"/> and <see cref="DateTime.MaxValue"/> stand for no bound.
/// </summary>
internal sealed record RollupPlan(IReadOnlyList<TimeRange> Rolled, IReadOnlyList<TimeRange> Raw)
{
    /// <summary>Hour ranges answered by hourly rollups, for a plan whose <see cref="Rolled"/> are days.</summary>
    public IReadOnlyList<TimeRange> RolledHours { get; init; } = [];
}

internal readonly record struct TimeRange(DateTime Start, DateTime End);
