using LlmObs.Server.Query;

namespace LlmObs.Server.Admin;

/// <summary>
/// The few numbers worth watching while the app runs, since <c>From</c>: what the model calls cost (embeddings included),
/// how many LLM calls there were and how they behaved (latency over the same LLM calls; embeddings are not counted).
/// </summary>
internal sealed record StoreSummary(
    DateTime From,
    double CostUsd,
    long LlmCalls,
    double? P95LatencyMs,
    double? ErrorRate,
    string? TopFeature,
    double? TopFeatureCostUsd,
    string? MostExpensiveTraceId,
    double? MostExpensiveCallCostUsd)
{
    public static async Task<StoreSummary> ComputeAsync(ISpanQueries queries, DateTime from, CancellationToken cancellationToken)
    {
        var filter = new SpanFilter { From = DateTime.SpecifyKind(from, DateTimeKind.Utc) };
        var byFeature = await queries.CostByAsync(filter, CostDimension.Feature, cancellationToken);
        var errors = await queries.ErrorRateAsync(filter, cancellationToken);
        var latency = await queries.LatencyAsync(filter, cancellationToken);
        var top = (await queries.TopCallsAsync(filter, 1, cancellationToken)).FirstOrDefault();
        var topFeature = byFeature.Where(f => f.Key is not null).MaxBy(f => f.CostUsd);

        return new StoreSummary(
            filter.From.Value,
            byFeature.Sum(f => f.CostUsd),
            latency.Count,
            latency.P95,
            errors.Overall.Rate,
            topFeature?.Key,
            topFeature?.CostUsd,
            top?.TraceId,
            top?.CostUsd);
    }
}
