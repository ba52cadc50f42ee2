namespace LlmObs.Server.Query;

/// <summary>
/// The questions the UI and the JSON API ask of the store, answered in SQL by the engine that holds the spans.
/// A "call" is a model call: a span whose LLM kind is <c>llm</c> (chat, completion) or <c>embedding</c>.
/// </summary>
internal interface ISpanQueries
{
    Task<Page<TraceRow>> ListTracesAsync(SpanFilter filter, PageRequest page, CancellationToken cancellationToken);

    Task<Page<LlmCallRow>> ListCallsAsync(SpanFilter filter, PageRequest page, CancellationToken cancellationToken);

    /// <summary>
    /// Sessions with a trace in the period, most recently active first, with the totals of those traces. Only the
    /// period, service and project of <paramref name="filter"/> apply.
    /// </summary>
    Task<Page<SessionRow>> ListSessionsAsync(SpanFilter filter, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Cost per UTC day and key; with <paramref name="top"/>, the keys beyond the top ones summed as <see cref="DailyCost.OtherKey"/>.</summary>
    Task<IReadOnlyList<DailyCost>> CostPerDayAsync(SpanFilter filter, CostDimension by, int? top, CancellationToken cancellationToken);

    Task<IReadOnlyList<GroupCost>> CostByAsync(SpanFilter filter, CostDimension by, CancellationToken cancellationToken);

    Task<Percentiles> CostPerCallAsync(SpanFilter filter, CancellationToken cancellationToken);

    Task<CacheHitRates> CacheHitRateAsync(SpanFilter filter, CancellationToken cancellationToken);

    Task<IReadOnlyList<LlmCallRow>> TopCallsAsync(SpanFilter filter, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelLatency>> LatencyByModelAsync(SpanFilter filter, CancellationToken cancellationToken);

    /// <summary>Latency percentiles of all model calls together.</summary>
    Task<Percentiles> LatencyAsync(SpanFilter filter, CancellationToken cancellationToken);

    Task<ErrorRates> ErrorRateAsync(SpanFilter filter, CancellationToken cancellationToken);

    Task<IReadOnlyList<TokenBucket>> TokensOverTimeAsync(SpanFilter filter, TimeBucket bucket, CancellationToken cancellationToken);

    Task<Facets> FacetsAsync(SpanFilter filter, CancellationToken cancellationToken);
}
