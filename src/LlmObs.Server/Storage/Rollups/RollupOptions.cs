namespace LlmObs.Server.Storage.Rollups;

/// <summary>How the rollup service keeps the pre-aggregated tables, bound from <c>LlmObs:Storage:Rollups</c>.</summary>
public sealed class RollupOptions
{
    /// <summary>
    /// Whether the server maintains rollups in the background. Without them every aggregate reads the spans
    /// (correct, but a 30-day dashboard over millions of spans takes seconds).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the service rolls up the hours that closed since its last run.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long after an hour ends it is rolled up. Spans that arrive later still count (their hour is marked dirty
    /// and rolled up again), but waiting a little saves that second pass for the usual export delay.
    /// </summary>
    public TimeSpan Lag { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The most hours one run rolls up when catching up (a backfill), so each transaction stays short.</summary>
    public int MaxHoursPerRun { get; set; } = 24;
}
