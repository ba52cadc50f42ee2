using System.Text.Json;
using LlmObs.Server.Annotations.Model;
using LlmObs.Server.Annotations.Store;

namespace LlmObs.Server.Annotations.Api;

/// <summary>
/// Phoenix's <c>POST /v1/span_annotations?sync=…</c>, for code already written against a Phoenix server. LlmObs
/// always writes before answering, so the ids come back whether <c>sync</c> is true or not.
/// </summary>
internal static class PhoenixEndpoints
{
    public const string Path = "/v1/span_annotations";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(Path, WriteAsync).WithTags("phoenix")
            .WithSummary("Phoenix span annotations: {\"data\":[{span_id, name, annotator_kind, result:{label, score, explanation}, metadata, identifier}]}.")
            .Accepts<JsonElement>("application/json");

    private static async Task<IResult> WriteAsync(HttpRequest request, IAnnotationStore store, bool? sync, CancellationToken cancellationToken)
    {
        var (document, error) = await JsonBody.ReadAsync(request, cancellationToken);
        if (document is null)
        {
            return error!;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad span annotations.",
                    detail: """The body is {"data": [{"span_id", "name", "annotator_kind", "result": {"label", "score", "explanation"}}]}.""");
            }

            if (data.GetArrayLength() is 0 or > AnnotationLimits.BatchSize)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad span annotations.",
                    detail: $"Send between 1 and {AnnotationLimits.BatchSize} annotations in data.");
            }

            var errors = new RequestErrors();
            var drafts = data.EnumerateArray().Select((item, i) => PhoenixAnnotationReader.Read(item, $"data[{i}]", errors)).ToList();
            if (errors.Any)
            {
                return JsonBody.Invalid(errors, "Bad span annotations: nothing was written.");
            }

            var results = await store.UpsertAsync(drafts!, cancellationToken);
            return TypedResults.Ok(new { data = results.Select(r => new { id = r.Id }).ToList() });
        }
    }
}
