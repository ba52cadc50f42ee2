using System.Text.Json;
using LlmObs.Server.Annotations.Model;
using LlmObs.Server.Annotations.Store;

namespace LlmObs.Server.Annotations.Api;

/// <summary>
/// Langfuse's score endpoints, for code already written against a Langfuse server: the flat
/// <c>POST /api/public/scores</c> (<c>api.scores.create()</c>) and the batched <c>POST /api/public/ingestion</c>
/// that <c>score.create()</c> uses. The SDKs drop an ingestion reply that is not JSON with <c>successes</c> and
/// <c>errors</c>, so every event is answered in one of the two, and other event types are refused by name.
/// </summary>
internal static class LangfuseEndpoints
{
    public const string ScoresPath = "/api/public/scores";
    public const string IngestionPath = "/api/public/ingestion";
    private const int MaxBatch = 1000;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(ScoresPath, ScoreAsync).WithTags("langfuse")
            .WithSummary("Langfuse score (flat body: traceId, observationId, name, value, dataType, comment, id, metadata).")
            .Accepts<JsonElement>("application/json");
        app.MapPost(IngestionPath, IngestAsync).WithTags("langfuse")
            .WithSummary("Langfuse ingestion batch; score-create events become annotations. Replies 207 with successes and errors per event.")
            .Accepts<JsonElement>("application/json");
    }

    private static async Task<IResult> ScoreAsync(HttpRequest request, IAnnotationStore store, CancellationToken cancellationToken)
    {
        var (document, error) = await JsonBody.ReadAsync(request, cancellationToken);
        if (document is null)
        {
            return error!;
        }

        using (document)
        {
            var errors = new RequestErrors();
            var draft = LangfuseScoreReader.Read(document.RootElement, "", errors);
            if (draft is null)
            {
                return JsonBody.Invalid(errors, "Bad score.");
            }

            var result = (await store.UpsertAsync([draft], cancellationToken))[0];
            // Langfuse answers with the score's id: the one the client chose, else ours.
            return TypedResults.Ok(new { id = draft.Identifier.Length > 0 ? draft.Identifier : result.Id });
        }
    }

    private static async Task<IResult> IngestAsync(HttpRequest request, IAnnotationStore store, CancellationToken cancellationToken)
    {
        var (document, error) = await JsonBody.ReadAsync(request, cancellationToken);
        if (document is null)
        {
            return error!;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad ingestion request.",
                    detail: """The body is {"batch": [{"id", "type": "score-create", "timestamp", "body": {…score…}}]}.""");
            }

            if (batch.GetArrayLength() > MaxBatch)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad ingestion request.",
                    detail: $"At most {MaxBatch} events in one batch.");
            }

            var successes = new List<IngestionSuccess>();
            var failures = new List<IngestionError>();
            var accepted = new List<(string EventId, AnnotationDraft Draft)>();
            var index = 0;
            foreach (var item in batch.EnumerateArray())
            {
                var eventId = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                    ? id.GetString()!
                    : $"#{index}";
                var type = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                    ? t.GetString()
                    : null;
                index++;
                if (type != "score-create")
                {
                    failures.Add(new IngestionError(eventId, StatusCodes.Status400BadRequest,
                        type is null
                            ? "The event has no type."
                            : $"LlmObs takes only score-create events here; send traces over OTLP to /api/public/otel/v1/traces (event type {type}).",
                        "unsupported_event_type"));
                    continue;
                }

                var errors = new RequestErrors();
                var draft = item.TryGetProperty("body", out var body)
                    ? LangfuseScoreReader.Read(body, "body", errors)
                    : null;
                if (draft is null)
                {
                    failures.Add(new IngestionError(eventId, StatusCodes.Status400BadRequest,
                        errors.Any ? errors.Describe() : "The event has no body.", "invalid_score"));
                    continue;
                }

                accepted.Add((eventId, draft));
            }

            if (accepted.Count > 0)
            {
                await store.UpsertAsync(accepted.Select(a => a.Draft).ToList(), cancellationToken);
                successes.AddRange(accepted.Select(a => new IngestionSuccess(a.EventId, StatusCodes.Status201Created)));
            }

            // Langfuse answers 207 Multi-Status whatever the events' fates; the SDK reads the lists.
            return Results.Json(new IngestionResponse(successes, failures), statusCode: StatusCodes.Status207MultiStatus);
        }
    }

    private sealed record IngestionResponse(IReadOnlyList<IngestionSuccess> Successes, IReadOnlyList<IngestionError> Errors);

    private sealed record IngestionSuccess(string Id, int Status);

    private sealed record IngestionError(string Id, int Status, string Message, string Error);
}
