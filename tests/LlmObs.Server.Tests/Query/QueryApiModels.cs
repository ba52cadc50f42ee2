namespace LlmObs.Server.Tests.Query;

// The query API's JSON as a client reads it, apart from the server's types on purpose: a rename on the
// server must break these tests, not silently follow along.

public sealed record ApiPage<T>(IReadOnlyList<T> Items, int Offset, int Limit, int? NextOffset);

public sealed record ApiTraceRow(
    string TraceId, string RootName, string ServiceName, DateTime StartTime, double DurationMs, long SpanCount, long LlmCalls,
    long InputTokens, long OutputTokens, long CacheReadTokens, double CostUsd, bool HasError, string? User);

public sealed record ApiCall(
    string TraceId, string SpanId, string Name, string ServiceName, DateTime StartTime, double DurationMs, bool IsError,
    string? Kind, string? Operation, string? Provider, string? Model, string? Feature, string? User, string? Project,
    long? InputTokens, long? OutputTokens, long? CacheReadTokens, double? CostUsd, double? TimeToFirstTokenMs);

public sealed record ApiDailyCost(DateTime Day, string? Key, long Calls, double CostUsd);

public sealed record ApiGroupCost(string? Key, long Calls, long InputTokens, long OutputTokens, long CacheReadTokens, double CostUsd);

public sealed record ApiPercentiles(long Count, double? P50, double? P95, double? P99, double? Max, double? Mean);

public sealed record ApiCacheHitRate(string? Model, long InputTokens, long CacheReadTokens, double? Rate);

public sealed record ApiCacheHitRates(ApiCacheHitRate Overall, IReadOnlyList<ApiCacheHitRate> ByModel);

public sealed record ApiModelLatency(string? Model, long Calls, ApiPercentiles LatencyMs, ApiPercentiles TimeToFirstTokenMs);

public sealed record ApiErrorRate(string? Key, long Calls, long Errors, double? Rate);

public sealed record ApiErrorRates(ApiErrorRate Overall, IReadOnlyList<ApiErrorRate> ByModel);

public sealed record ApiTokenBucket(DateTime Start, long Calls, long InputTokens, long OutputTokens, long CacheReadTokens, double CostUsd);

public sealed record ApiFacets(IReadOnlyList<string> Services, IReadOnlyList<string> Models, IReadOnlyList<string> Features, IReadOnlyList<string> Providers);

public sealed record ApiDashboard(
    IReadOnlyList<ApiDailyCost> CostPerDayByFeature, IReadOnlyList<ApiDailyCost> CostPerDayByUser, IReadOnlyList<ApiGroupCost> CostByModel,
    ApiPercentiles CostPerCall, ApiCacheHitRates CacheHitRate, IReadOnlyList<ApiCall> TopCalls, IReadOnlyList<ApiModelLatency> Latency,
    ApiErrorRates ErrorRate, IReadOnlyList<ApiTokenBucket> TokensOverTime);

public sealed record ApiSummary(
    DateTime From, double CostUsd, long LlmCalls, double? P95LatencyMs, double? ErrorRate, string? TopFeature, double? TopFeatureCostUsd,
    string? MostExpensiveTraceId, double? MostExpensiveCallCostUsd);
