using LlmObs.Server.Query;

namespace LlmObs.Server.Annotations.Quality;

/// <summary>
/// Which calls and which annotation a quality aggregate covers. A call's score is the mean of the scores named
/// <see cref="Name"/> on its span or, when its span has none, on its trace.
/// </summary>
internal sealed record QualityFilter
{
    public required string Name { get; init; }
    public DateTime? From { get; init; }
    public DateTime? To { get; init; }
    public string? Feature { get; init; }
    public string? Model { get; init; }
    public string? Service { get; init; }
}

internal enum QualityDimension
{
    Feature,
    Model,
}

/// <summary>
/// Cost against quality for one feature or model: chat calls, their cost, how many were scored and their mean score.
/// <see cref="CostPerQuality"/> is the cost of one call over its mean score: dollars per unit of quality, so lower is better.
/// </summary>
internal sealed record CostPerQuality(
    string? Key,
    long Calls,
    double CostUsd,
    long ScoredCalls,
    double? MeanScore,
    double? MinScore,
    double? MaxScore,
    double? CostPerCall,
    double? CostPerQualityUsd);

/// <summary>The mean score of the calls made in one hour or day (by call time), optionally per feature or model.</summary>
internal sealed record QualityBucket(DateTime Start, string? Key, long Calls, long ScoredCalls, double? MeanScore, double CostUsd);

/// <summary>Model calls the worker has not evaluated yet: chat spans lacking at least one of <see cref="Names"/>.</summary>
internal sealed record CandidateQuery
{
    public required IReadOnlyList<string> Names { get; init; }
    public DateTime? From { get; init; }
    public DateTime? To { get; init; }
    public string? Feature { get; init; }
    public string? ExcludeFeature { get; init; }
    public string? Model { get; init; }
    public int Limit { get; init; } = 100;
}

/// <summary>A call to evaluate, oldest first so a worker can page through by start time.</summary>
internal sealed record EvaluationCandidate(string TraceId, string SpanId, DateTime StartTime, string? Feature, string? Model, double? CostUsd);

/// <summary>The aggregates' period and filters as the query string gives them.</summary>
internal static class QualityPeriod
{
    public static TimeBucket DefaultBucket(DateTime? from, DateTime? to) =>
        (to ?? DateTime.UtcNow) - (from ?? DateTime.MinValue) <= TimeSpan.FromDays(3) ? TimeBucket.Hour : TimeBucket.Day;
}
