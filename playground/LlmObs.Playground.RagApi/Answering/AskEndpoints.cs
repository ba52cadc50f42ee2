using System.ClientModel;
using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LlmObs.Context;
using LlmObs.Playground.RagApi.Retrieval;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;

namespace LlmObs.Playground.RagApi.Answering;

/// <summary><c>POST /ask</c> and <c>POST /ask/stream</c>.</summary>
internal static class AskEndpoints
{
    private const int MaxQuestionLength = 2_000;
    private const int MaxIdLength = 128;

    public static IEndpointRouteBuilder MapAskEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/ask", AskAsync).WithName("Ask");
        endpoints.MapPost("/ask/stream", AskStreamAsync).WithName("AskStream");
        return endpoints;
    }

    private static async Task<Results<Ok<AskResponse>, ValidationProblem, ProblemHttpResult>> AskAsync(
        AskRequest? request, HandbookAssistant assistant, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var question = request!.Question!.Trim();
        using var user = LlmObsContext.Begin(userId: request.UserId, conversationId: request.ConversationId); // the user exported only as its keyed hash
        try
        {
            var documents = await assistant.RetrieveAsync(question, cancellationToken);
            var response = await assistant.AnswerAsync(question, documents, cancellationToken);
            return TypedResults.Ok(new AskResponse(
                response.Text,
                CurrentTraceId(),
                response.ModelId,
                ToScores(documents),
                ToTokenUsage(response.Usage)));
        }
        catch (Exception exception) when (ToProblem(exception) is { } problem)
        {
            return problem;
        }
    }

    private static async Task<IResult> AskStreamAsync(AskRequest? request, HandbookAssistant assistant, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var question = request!.Question!.Trim();
        using var user = LlmObsContext.Begin(userId: request.UserId, conversationId: request.ConversationId); // the user exported only as its keyed hash

        IAsyncEnumerator<ChatResponseUpdate>? updates = null;
        try
        {
            var documents = await assistant.RetrieveAsync(question, cancellationToken);
            updates = assistant.StreamAnswerAsync(question, documents, cancellationToken).GetAsyncEnumerator(cancellationToken);

            // Wait for the first update before answering, so a provider that fails at once gets a 502 instead of a
            // 200 stream that breaks.
            var hasFirst = await updates.MoveNextAsync();
            return TypedResults.ServerSentEvents(StreamEventsAsync(CurrentTraceId(), documents, updates, hasFirst));
        }
        catch (Exception exception) when (ToProblem(exception) is { } problem)
        {
            if (updates is not null)
            {
                await updates.DisposeAsync();
            }

            return problem;
        }
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamEventsAsync(
        string? traceId, IReadOnlyList<ScoredDocument> documents, IAsyncEnumerator<ChatResponseUpdate> updates, bool hasCurrent)
    {
        await using var _ = updates;

        yield return Event("retrieval", new AskStreamRetrieval(traceId, ToScores(documents)));

        string? model = null;
        ChatFinishReason? finishReason = null;
        var usage = new UsageDetails();
        while (hasCurrent)
        {
            var update = updates.Current;
            model = update.ModelId ?? model;
            finishReason = update.FinishReason ?? finishReason;
            foreach (var content in update.Contents.OfType<UsageContent>())
            {
                usage.Add(content.Details);
            }

            if (update.Role != ChatRole.Tool && update.Text is { Length: > 0 } text)
            {
                yield return Event("delta", new AskStreamDelta(text));
            }

            Exception? failure;
            (hasCurrent, failure) = await TryMoveNextAsync(updates);
            if (failure is not null && ToProblem(failure) is { } problem)
            {
                // The 200 and the first chunks are already sent: report the failure in the stream.
                yield return Event("error", problem.ProblemDetails);
                yield break;
            }
        }

        yield return Event("done", new AskStreamDone(model, finishReason?.Value, ToTokenUsage(usage)));
    }

    private static async Task<(bool HasCurrent, Exception? Failure)> TryMoveNextAsync(IAsyncEnumerator<ChatResponseUpdate> updates)
    {
        try
        {
            return (await updates.MoveNextAsync(), null);
        }
        catch (Exception exception) when (ToProblem(exception) is not null)
        {
            return (false, exception);
        }
    }

    private static Dictionary<string, string[]>? Validate(AskRequest? request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request?.Question))
        {
            errors["question"] = ["A question is required."];
        }
        else if (request.Question.Length > MaxQuestionLength)
        {
            errors["question"] = [$"A question can be at most {MaxQuestionLength} characters long."];
        }

        if (request?.UserId is { Length: > MaxIdLength })
        {
            errors["userId"] = [$"A user id can be at most {MaxIdLength} characters long."];
        }

        if (request?.ConversationId is { Length: > MaxIdLength })
        {
            errors["conversationId"] = [$"A conversation id can be at most {MaxIdLength} characters long."];
        }

        return errors.Count > 0 ? errors : null;
    }

    /// <summary>Maps failures of the model provider (simulated or real) to 502, and an index still loading to 503.</summary>
    private static ProblemHttpResult? ToProblem(Exception exception) => exception switch
    {
        IndexNotReadyException => TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "The handbook is not indexed yet.", detail: exception.Message),
        HttpRequestException or ClientResultException => TypedResults.Problem(
            statusCode: StatusCodes.Status502BadGateway, title: "The model provider failed.", detail: exception.Message),
        _ => null,
    };

    private static string? CurrentTraceId() => Activity.Current?.TraceId.ToHexString();

    private static List<DocumentScore> ToScores(IReadOnlyList<ScoredDocument> documents) =>
        documents.Select(d => new DocumentScore(d.Document.Id, Math.Round(d.Score, 4))).ToList();

    private static TokenUsage ToTokenUsage(UsageDetails? usage) => new(
        usage?.InputTokenCount ?? 0,
        usage?.OutputTokenCount ?? 0,
        usage?.CachedInputTokenCount ?? 0);

    private static SseItem<string> Event<T>(string eventType, T data) =>
        new(JsonSerializer.Serialize(data, JsonSerializerOptions.Web), eventType);
}
