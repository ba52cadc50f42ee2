namespace LlmObs.Server.Query;

/// <summary>One row of the traces list: the root span and the LLM totals of the whole trace.</summary>
internal sealed record TraceRow(
    string TraceId,
    string RootName,
    string ServiceName,
    DateTime StartTime,
    double DurationMs,
    long SpanCount,
    long LlmCalls,
    long InputTokens,
    long OutputTokens,
    long CacheReadTokens,
    double CostUsd,
    bool HasError,
    string? User);

/// <summary>One session (conversation, thread): its traces in the period and their totals.</summary>
internal sealed record SessionRow(
    string Session,
    long Traces,
    long LlmCalls,
    long InputTokens,
    long OutputTokens,
    double CostUsd,
    DateTime FirstStart,
    DateTime LastEnd,
    bool HasError,
    string? User);

/// <summary>One model call (a chat or embeddings span) with its cost, tokens and timing.</summary>
internal sealed record LlmCallRow(
    string TraceId,
    string SpanId,
    string Name,
    string ServiceName,
    DateTime StartTime,
    double DurationMs,
    bool IsError,
    string? Kind,
    string? Operation,
    string? Provider,
    string? Model,
    string? Feature,
    string? User,
    string? Project,
    long? InputTokens,
    long? OutputTokens,
    long? CacheReadTokens,
    double? CostUsd,
    double? TimeToFirstTokenMs);

/// <summary>Cost of one day (UTC) for one value of the grouping dimension.</summary>
internal sealed record DailyCost(DateTime Day, string? Key, long Calls, double CostUsd)
{
    /// <summary>The key a split kept to its top keys sums the others under.</summary>
    public const string OtherKey = "(other)";
}

/// <summary>Totals for one value of a grouping dimension.</summary>
internal sealed record GroupCost(string? Key, long Calls, long InputTokens, long OutputTokens, long CacheReadTokens, double CostUsd);

/// <summary>Continuous percentiles (linear interpolation between ranks), as both engines compute them.</summary>
internal sealed record Percentiles(long Count, double? P50, double? P95, double? P99, double? Max, double? Mean);

internal sealed record CacheHitRate(string? Model, long InputTokens, long CacheReadTokens, double? Rate);

internal sealed record CacheHitRates(CacheHitRate Overall, IReadOnlyList<CacheHitRate> ByModel);

internal sealed record ModelLatency(string? Model, long Calls, Percentiles LatencyMs, Percentiles TimeToFirstTokenMs);

internal sealed record ErrorRate(string? Key, long Calls, long Errors, double? Rate);

internal sealed record ErrorRates(ErrorRate Overall, IReadOnlyList<ErrorRate> ByModel);

internal sealed record TokenBucket(DateTime Start, long Calls, long InputTokens, long OutputTokens, long CacheReadTokens, double CostUsd);

/// <summary>Values seen in the period, for filter pickers.</summary>
internal sealed record Facets(IReadOnlyList<string> Services, IReadOnlyList<string> Models, IReadOnlyList<string> Features, IReadOnlyList<string> Providers);

/// <summary>What cost per day is split by.</summary>
internal enum CostDimension
{
    Feature,
    User,
    Model,
}

internal enum TimeBucket
{
    Hour,
    Day,
}
