using LlmObs.Server.Annotations.Store;
using LlmObs.Server.Query;

namespace LlmObs.Server.Annotations.Quality;

/// <summary>
/// Quality next to cost: cost per quality by feature or model, quality over time, and the calls an offline
/// evaluator has not scored yet (what the eval worker pages through).
/// </summary>
internal static class QualityEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/annotations").WithTags("quality");

        api.MapGet("/aggregates/cost-per-quality", async (
            IAnnotationStore store, string? name, string? by, DateTimeOffset? from, DateTimeOffset? to, string? feature, string? model, string? service,
            CancellationToken cancellationToken) =>
        {
            if (Filter(name, from, to, feature, model, service, out var filter) is { } problem)
            {
                return problem;
            }

            if (!TryDimension(by, QualityDimension.Feature, out var dimension))
            {
                return Bad("by is feature or model.");
            }

            return TypedResults.Ok(await store.CostPerQualityAsync(filter, dimension, cancellationToken));
        }).WithSummary("Per feature (default) or model: chat calls, cost, scored calls, mean score and cost per call over mean score (worst first).")
          .Produces<IReadOnlyList<CostPerQuality>>();

        api.MapGet("/aggregates/quality-over-time", async (
            IAnnotationStore store, string? name, string? bucket, string? by, DateTimeOffset? from, DateTimeOffset? to, string? feature, string? model,
            string? service, CancellationToken cancellationToken) =>
        {
            if (Filter(name, from, to, feature, model, service, out var filter) is { } problem)
            {
                return problem;
            }

            TimeBucket timeBucket;
            if (string.IsNullOrEmpty(bucket))
            {
                timeBucket = QualityPeriod.DefaultBucket(filter.From, filter.To);
            }
            else if (!Enum.TryParse(bucket, ignoreCase: true, out timeBucket) || !Enum.IsDefined(timeBucket))
            {
                return Bad("bucket is hour or day.");
            }

            QualityDimension? dimension = null;
            if (!string.IsNullOrEmpty(by))
            {
                if (!TryDimension(by, QualityDimension.Feature, out var d))
                {
                    return Bad("by is feature or model (or absent for one series).");
                }

                dimension = d;
            }

            return TypedResults.Ok(await store.QualityOverTimeAsync(filter, timeBucket, dimension, cancellationToken));
        }).WithSummary("Mean score of the calls made in each hour or day (by call time), optionally per feature or model.")
          .Produces<IReadOnlyList<QualityBucket>>();

        api.MapGet("/unevaluated", async (
            IAnnotationStore store, string[]? name, DateTimeOffset? from, DateTimeOffset? to, string? feature, string? excludeFeature, string? model,
            int? limit, CancellationToken cancellationToken) =>
        {
            var names = (name ?? []).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).Distinct().ToList();
            if (names.Count is 0 or > 20)
            {
                return Bad("Give 1 to 20 annotation names (name=eval.groundedness&name=eval.answer): a call lacking any of them is returned.");
            }

            if (from is { } f && to is { } t && t <= f)
            {
                return Bad("to must be later than from.");
            }

            return TypedResults.Ok(await store.UnevaluatedAsync(new CandidateQuery
            {
                Names = names,
                From = from?.UtcDateTime,
                To = to?.UtcDateTime,
                Feature = Blank(feature),
                ExcludeFeature = Blank(excludeFeature),
                Model = Blank(model),
                Limit = limit ?? 100,
            }, cancellationToken));
        }).WithSummary("Successful chat calls lacking at least one of the named annotations on their span, oldest first (at most limit, 100 by default).")
          .Produces<IReadOnlyList<EvaluationCandidate>>();
    }

    private static IResult? Filter(
        string? name, DateTimeOffset? from, DateTimeOffset? to, string? feature, string? model, string? service, out QualityFilter filter)
    {
        filter = null!;
        if (string.IsNullOrWhiteSpace(name))
        {
            return Bad("name is required: the annotation whose score is the quality (e.g. eval.quality); /api/annotations/names lists them.");
        }

        if (from is { } f && to is { } t && t <= f)
        {
            return Bad("to must be later than from.");
        }

        filter = new QualityFilter
        {
            Name = name.Trim(),
            From = from?.UtcDateTime,
            To = to?.UtcDateTime,
            Feature = Blank(feature),
            Model = Blank(model),
            Service = Blank(service),
        };
        return null;
    }

    private static bool TryDimension(string? by, QualityDimension fallback, out QualityDimension dimension)
    {
        dimension = fallback;
        return string.IsNullOrEmpty(by) || (Enum.TryParse(by, ignoreCase: true, out dimension) && Enum.IsDefined(dimension));
    }

    private static IResult Bad(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad query.", detail: detail);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
