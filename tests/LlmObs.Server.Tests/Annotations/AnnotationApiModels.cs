using System.Text.Json;

namespace LlmObs.Server.Tests.Annotations;

// The annotation API's JSON as a client reads it, apart from the server's types on purpose.

public sealed record ApiAnnotation(
    string Id, string? TraceId, string? SpanId, string Name, double? Score, string? Label, string? Explanation, string Source,
    string Identifier, JsonElement? Metadata, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record ApiAnnotationPage(IReadOnlyList<ApiAnnotation> Items, int Offset, int Limit, int? NextOffset);

public sealed record ApiWriteResult(string Id, bool Created);

public sealed record ApiAnnotationName(string Name, long Count, long Scored, double? MeanScore, double? MinScore, double? MaxScore);

public sealed record ApiCostPerQuality(
    string? Key, long Calls, double CostUsd, long ScoredCalls, double? MeanScore, double? MinScore, double? MaxScore, double? CostPerCall,
    double? CostPerQualityUsd);

public sealed record ApiQualityBucket(DateTime Start, string? Key, long Calls, long ScoredCalls, double? MeanScore, double CostUsd);

public sealed record ApiCandidate(string TraceId, string SpanId, DateTime StartTime, string? Feature, string? Model, double? CostUsd);

public sealed record ApiValidationProblem(string? Title, Dictionary<string, string[]> Errors);

public sealed record ApiIngestionResponse(IReadOnlyList<ApiIngestionSuccess> Successes, IReadOnlyList<ApiIngestionError> Errors);

public sealed record ApiIngestionSuccess(string Id, int Status);

public sealed record ApiIngestionError(string Id, int Status, string Message, string Error);
