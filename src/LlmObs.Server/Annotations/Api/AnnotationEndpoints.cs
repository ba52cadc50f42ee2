using System.Text.Json;
using LlmObs.Server.Annotations.Model;
using LlmObs.Server.Annotations.Store;
using LlmObs.Server.Query;

namespace LlmObs.Server.Annotations.Api;

/// <summary>
/// LlmObs's annotation API: write (one object, or an array in one transaction), list, read and delete.
/// A write with the target, name and identifier of an existing annotation replaces it.
/// </summary>
internal static class AnnotationEndpoints
{
    public const string Path = "/api/annotations";

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Path).WithTags("annotations");

        api.MapPost("", WriteAsync)
            .WithSummary("Annotate a span or a trace: name, score and/or label, explanation, source (human, code, llm), identifier. An array writes several at once.")
            .Accepts<JsonElement>("application/json")
            .Produces<AnnotationResponse>(StatusCodes.Status201Created)
            .Produces<AnnotationResponse>()
            .ProducesValidationProblem();

        api.MapGet("", async (IAnnotationStore store, string? traceId, string? spanId, string? name, string? source, int? offset, int? limit, CancellationToken cancellationToken) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (traceId is not null && !TelemetryIds.IsTraceId(traceId)) errors["traceId"] = ["traceId is 32 hex characters."];
            if (source is not null && AnnotationSources.Parse(source) is null) errors["source"] = ["source is human, code or llm."];
            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors, title: "Bad annotation query.");
            }

            var query = new AnnotationQuery(
                traceId?.ToLowerInvariant(),
                Blank(spanId) is { } span ? TelemetryIds.ForeignSpanId(span) : null,
                Blank(name),
                AnnotationSources.Parse(source));
            var page = await store.ListAsync(query, new PageRequest(offset ?? 0, limit ?? PageRequest.DefaultLimit), cancellationToken);
            return TypedResults.Ok(new AnnotationPage(page.Items.Select(AnnotationResponse.From).ToList(), page.Offset, page.Limit, page.NextOffset));
        }).WithSummary("Annotations, most recently written first, by trace, span, name and source (filters combine); paged with offset and limit.")
          .Produces<AnnotationPage>();

        api.MapGet("/names", async (IAnnotationStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok(await store.NamesAsync(cancellationToken)))
            .WithSummary("The annotation names in use, with counts and score range.");

        api.MapGet("/{id}", async (string id, IAnnotationStore store, CancellationToken cancellationToken) =>
            await store.GetAsync(id, cancellationToken) is { } annotation
                ? Results.Ok(AnnotationResponse.From(annotation))
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No annotation {id}."))
            .WithSummary("One annotation.")
            .Produces<AnnotationResponse>();

        api.MapDelete("/{id}", async (string id, IAnnotationStore store, CancellationToken cancellationToken) =>
            await store.DeleteAsync(id, cancellationToken)
                ? Results.NoContent()
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No annotation {id}."))
            .WithSummary("Delete an annotation.");
    }

    private static async Task<IResult> WriteAsync(HttpRequest request, IAnnotationStore store, CancellationToken cancellationToken)
    {
        var (document, error) = await JsonBody.ReadAsync(request, cancellationToken);
        if (document is null)
        {
            return error!;
        }

        using (document)
        {
            var errors = new RequestErrors();
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                if (root.GetArrayLength() is 0 or > AnnotationLimits.BatchSize)
                {
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad annotations.",
                        detail: $"Send between 1 and {AnnotationLimits.BatchSize} annotations in one array.");
                }

                var drafts = root.EnumerateArray().Select((item, i) => NativeAnnotationReader.Read(item, $"[{i}]", errors)).ToList();
                if (errors.Any)
                {
                    return JsonBody.Invalid(errors, "Bad annotations: nothing was written.");
                }

                var results = await store.UpsertAsync(drafts!, cancellationToken);
                return TypedResults.Ok(results.Select(r => new AnnotationWriteResult(r.Id, r.Created)).ToList());
            }

            var draft = NativeAnnotationReader.Read(root, "", errors);
            if (draft is null)
            {
                return JsonBody.Invalid(errors, "Bad annotation.");
            }

            var result = (await store.UpsertAsync([draft], cancellationToken))[0];
            var saved = AnnotationResponse.From((await store.GetAsync(result.Id, cancellationToken))!);
            return result.Created ? TypedResults.Created($"{Path}/{result.Id}", saved) : TypedResults.Ok(saved);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
