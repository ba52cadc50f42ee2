using LlmObs.Server.Query;
using LlmObs.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LlmObs.Server.Api;

/// <summary>
/// The JSON query API: trace and call lists, whole traces and the cost aggregates, for the UI and for scripts.
/// Described at <c>/openapi/v1.json</c>.
/// </summary>
internal static class QueryApi
{
    // The dashboard's daily charts show eight series and "(other)"; the rest of a split never reaches the browser.
    private const int DashboardSeries = 8;

    public static IServiceCollection AddQueryApi(this IServiceCollection services)
    {
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "LlmObs query API";
            document.Info.Description = "Traces, LLM calls and cost aggregates. Every list is paged with offset and limit; filters combine.";
            return Task.CompletedTask;
        }));
        services.AddSpanQueries();
        return services;
    }

    public static IEndpointRouteBuilder MapQueryApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        var api = app.MapGroup("/api").WithTags("query");

        api.MapGet("/traces", async Task<Results<Ok<TraceListResponse>, ProblemHttpResult>> (
            ISpanQueries queries, [AsParameters] FilterParameters filter, int? offset, int? limit, CancellationToken cancellationToken) =>
        {
            var (spanFilter, error) = filter.ToFilter();
            if (spanFilter is null)
            {
                return BadRequest(error);
            }

            var page = await queries.ListTracesAsync(spanFilter, Page(offset, limit), cancellationToken);
            return TypedResults.Ok(new TraceListResponse(page.Items, page.Offset, page.Limit, page.NextOffset));
        }).WithSummary("Traces, newest first: root span, service, duration, span count, LLM calls, tokens, cost, error.");

        api.MapGet("/traces/{traceId}", async Task<Results<Ok<TraceResponse>, ProblemHttpResult>> (
            string traceId, ISpanStore store, CancellationToken cancellationToken) =>
        {
            if (traceId.Length != 32 || !traceId.All(Uri.IsHexDigit))
            {
                return BadRequest("A trace id is 32 hex characters.");
            }

            var spans = await store.GetTraceAsync(traceId, cancellationToken);
            return spans.Count == 0
                ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No trace {traceId} is stored.")
                : TypedResults.Ok(new TraceResponse(traceId.ToLowerInvariant(), spans.Select(SpanResponse.From).ToList()));
        }).WithSummary("Every span of a trace with its canonical LLM view and raw attributes, in start order.");

        api.MapGet("/calls", async Task<Results<Ok<Page<LlmCallRow>>, ProblemHttpResult>> (
            ISpanQueries queries, [AsParameters] FilterParameters filter, int? offset, int? limit, CancellationToken cancellationToken) =>
            await WithFilter(filter, f => queries.ListCallsAsync(f, Page(offset, limit), cancellationToken)))
            .WithSummary("Model calls (chat and embeddings spans), newest first.");

        api.MapGet("/sessions", async Task<Results<Ok<Page<SessionRow>>, ProblemHttpResult>> (
            ISpanQueries queries, DateTimeOffset? from, DateTimeOffset? to, string? service, string? project, int? offset, int? limit,
            CancellationToken cancellationToken) =>
            from is { } start && to is { } end && end <= start
                ? BadRequest("to must be later than from.")
                : TypedResults.Ok(await queries.ListSessionsAsync(
                    new SpanFilter { From = from?.UtcDateTime, To = to?.UtcDateTime, Service = FilterParameters.Blank(service), Project = FilterParameters.Blank(project) },
                    Page(offset, limit), cancellationToken)))
            .WithSummary("Sessions (session.id, gen_ai.conversation.id and the other conventions' keys) with a trace in the period, most recently active first: traces, LLM calls, tokens, cost, first and last time, user. Filters: from, to, service, project.");

        var aggregates = api.MapGroup("/aggregates");

        aggregates.MapGet("/cost-per-day", async Task<Results<Ok<IReadOnlyList<DailyCost>>, ProblemHttpResult>> (
            ISpanQueries queries, [AsParameters] FilterParameters filter, string? by, int? top, CancellationToken cancellationToken) =>
            !TryDimension(by, out var dimension) ? BadRequest("by is feature, user or model.")
            : top < 1 ? BadRequest("top is the number of keys to keep, at least 1.")
            : await WithFilter(filter, f => queries.CostPerDayAsync(f, dimension, top, cancellationToken)))
            .WithSummary("Cost per UTC day, split by feature (default), user or model; with top, the keys beyond the top ones summed as \"(other)\".");

        aggregates.MapGet("/cost-by", async Task<Results<Ok<IReadOnlyList<GroupCost>>, ProblemHttpResult>> (
            ISpanQueries queries, [AsParameters] FilterParameters filter, string? by, CancellationToken cancellationToken) =>
            TryDimension(by ?? "model", out var dimension)
                ? await WithFilter(filter, f => queries.CostByAsync(f, dimension, cancellationToken))
                : BadRequest("by is feature, user or model."))
            .WithSummary("Calls, tokens and cost over the period per model (default), feature or user, most expensive first.");

        aggregates.MapGet("/cost-per-call", async Task<Results<Ok<Percentiles>, ProblemHttpResult>> (
            ISpanQueries queries, [AsParameters] FilterParameters filter, CancellationToken cancellationToken) =>
            await WithFilter(filter, f => queries.CostPerCallAsync(f, cancellationToken)))
            .WithSummary("Distribution of the cost of one priced call: p50, p95, p99, max, mean.");

        aggregates.MapGet("/cache-hit-rate", async Task<Results<Ok<CacheHitRates>, ProblemHttpResult>> (
            ISpanQueries queries, [AsParameters] FilterParameters filter, CancellationToken cancellationToken) =>
            await WithFilter(filter, f => queries.CacheHitRateAsync(f, cancellationToken)))
            .WithSummary("Cache-read input tokens over input tokens of chat calls, overall and per model.");

        aggregates.MapGet("/top-calls", async Task<Results<Ok<IReadOnlyList<LlmCallRow>>, ProblemHttpResult>> (
            ISpanQueries queries, [AsParameters] FilterParameters filter, int? limit, CancellationToken cancellationToken) =>
            await WithFilter(filter, f => queries.TopCallsAsync(f, limit ?? 10, cancellationToken)))
            .WithSummary("The most expensive calls of the period (10 unless limit says otherwise, at most 100).");

        aggregates.MapGet("/latency", async Task<Results<Ok<IReadOnlyList<ModelLatency>>, ProblemHttpResult>> (
            ISpanQueries queries, [AsParameters] FilterParameters filter, CancellationToken cancellationToken) =>
            await WithFilter(filter, f => queries.LatencyByModelAsync(f, cancellationToken)))
            .WithSummary("Latency and time to first token (gen_ai.response.time_to_first_chunk) p50/p95/p99 per model, chat calls.");

        aggregates.MapGet("/error-rate", async Task<Results<Ok<ErrorRates>, ProblemHttpResult>> (
            ISpanQueries queries, [AsParameters] FilterParameters filter, CancellationToken cancellationToken) =>
            await WithFilter(filter, f => queries.ErrorRateAsync(f, cancellationToken)))
            .WithSummary("Share of calls whose span status is error, overall and per model.");

        aggregates.MapGet("/tokens-over-time", async Task<Results<Ok<IReadOnlyList<TokenBucket>>, ProblemHttpResult>> (
            ISpanQueries queries, [AsParameters] FilterParameters filter, string? bucket, CancellationToken cancellationToken) =>
        {
            var (spanFilter, error) = filter.ToFilter();
            if (spanFilter is null || !TryBucket(bucket, spanFilter, out var timeBucket))
            {
                return BadRequest(error ?? "bucket is hour or day.");
            }

            return TypedResults.Ok(await queries.TokensOverTimeAsync(spanFilter, timeBucket, cancellationToken));
        }).WithSummary("Calls, tokens and cost per hour or day (hour when the period is 3 days or less).");

        api.MapGet("/facets", async Task<Results<Ok<Facets>, ProblemHttpResult>> (
            ISpanQueries queries, [AsParameters] FilterParameters filter, CancellationToken cancellationToken) =>
            await WithFilter(filter, f => queries.FacetsAsync(f, cancellationToken)))
            .WithSummary("Services, models, features and providers seen in the period (for filter pickers).");

        api.MapGet("/dashboard", async Task<Results<Ok<DashboardResponse>, ProblemHttpResult>> (
            ISpanQueries queries, [AsParameters] FilterParameters filter, CancellationToken cancellationToken) =>
        {
            var (f, error) = filter.ToFilter();
            if (f is null || !TryBucket(null, f, out var bucket))
            {
                return BadRequest(error);
            }

            // One after the other: DuckDB already uses every core for each query.
            return TypedResults.Ok(new DashboardResponse(
                f.From,
                f.To,
                await queries.CostPerDayAsync(f, CostDimension.Feature, DashboardSeries, cancellationToken),
                await queries.CostPerDayAsync(f, CostDimension.User, DashboardSeries, cancellationToken),
                await queries.CostByAsync(f, CostDimension.Model, cancellationToken),
                await queries.CostPerCallAsync(f, cancellationToken),
                await queries.CacheHitRateAsync(f, cancellationToken),
                await queries.TopCallsAsync(f, 10, cancellationToken),
                await queries.LatencyByModelAsync(f, cancellationToken),
                await queries.ErrorRateAsync(f, cancellationToken),
                await queries.TokensOverTimeAsync(f, bucket, cancellationToken)));
        }).WithSummary("Every aggregate of the cost dashboard for one period, in one answer.");

        return app;
    }

    private static async Task<Results<Ok<T>, ProblemHttpResult>> WithFilter<T>(FilterParameters parameters, Func<SpanFilter, Task<T>> run)
    {
        var (filter, error) = parameters.ToFilter();
        return filter is null ? BadRequest(error) : TypedResults.Ok(await run(filter));
    }

    private static PageRequest Page(int? offset, int? limit) => new(offset ?? 0, limit ?? PageRequest.DefaultLimit);

    private static bool TryDimension(string? by, out CostDimension dimension)
    {
        dimension = CostDimension.Feature;
        return string.IsNullOrEmpty(by) || (Enum.TryParse(by, ignoreCase: true, out dimension) && Enum.IsDefined(dimension));
    }

    private static bool TryBucket(string? bucket, SpanFilter filter, out TimeBucket timeBucket)
    {
        if (string.IsNullOrEmpty(bucket))
        {
            var span = (filter.To ?? DateTime.UtcNow) - (filter.From ?? DateTime.MinValue);
            timeBucket = span <= TimeSpan.FromDays(3) ? TimeBucket.Hour : TimeBucket.Day;
            return true;
        }

        return Enum.TryParse(bucket, ignoreCase: true, out timeBucket) && Enum.IsDefined(timeBucket);
    }

    private static ProblemHttpResult BadRequest(string? detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad query.", detail: detail);
}

/// <summary>A page of the traces list; <c>nextOffset</c> is absent on the last page.</summary>
internal sealed record TraceListResponse(IReadOnlyList<TraceRow> Items, int Offset, int Limit, int? NextOffset);
