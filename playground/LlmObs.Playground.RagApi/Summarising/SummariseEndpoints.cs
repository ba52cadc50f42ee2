using System.ClientModel;
using System.Diagnostics;
using LlmObs.Context;
using LlmObs.Playground.RagApi.Answering;
using LlmObs.Playground.RagApi.Retrieval;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LlmObs.Playground.RagApi.Summarising;

/// <summary>
/// <c>POST /summarise</c>: a second product feature on the same model, traced as <c>summarise_ticket</c>, so its cost
/// and quality can be compared with <c>ask</c>'s.
/// </summary>
internal static class SummariseEndpoints
{
    public const string Feature = "summarise_ticket";

    private const int MaxTicketLength = 8_000;
    private const int MaxUserIdLength = 128;

    public static IEndpointRouteBuilder MapSummariseEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/summarise", SummariseAsync).WithName("Summarise");
        return endpoints;
    }

    private static async Task<Results<Ok<SummariseResponse>, ValidationProblem, ProblemHttpResult>> SummariseAsync(
        SummariseRequest? request, TicketSummariser summariser, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request?.Ticket))
        {
            errors["ticket"] = ["A ticket is required."];
        }
        else if (request.Ticket.Length > MaxTicketLength)
        {
            errors["ticket"] = [$"A ticket can be at most {MaxTicketLength} characters long."];
        }

        if (request?.UserId is { Length: > MaxUserIdLength })
        {
            errors["userId"] = [$"A user id can be at most {MaxUserIdLength} characters long."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Every LLM and retrieval span of this request (embedding, retrieval, chat) is this feature's and this user's
        // (exported only as the user id's keyed hash).
        using var scope = LlmObsContext.Begin(feature: Feature, userId: request!.UserId);
        var ticket = request.Ticket!.Trim();
        try
        {
            var documents = await summariser.RetrieveAsync(ticket, cancellationToken);
            var response = await summariser.SummariseAsync(ticket, documents, cancellationToken);
            return TypedResults.Ok(new SummariseResponse(
                response.Text,
                Activity.Current?.TraceId.ToHexString(),
                response.ModelId,
                documents.Select(d => new DocumentScore(d.Document.Id, Math.Round(d.Score, 4))).ToList(),
                new TokenUsage(response.Usage?.InputTokenCount ?? 0, response.Usage?.OutputTokenCount ?? 0, response.Usage?.CachedInputTokenCount ?? 0)));
        }
        catch (IndexNotReadyException exception)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The handbook is not indexed yet.", detail: exception.Message);
        }
        catch (Exception exception) when (exception is HttpRequestException or ClientResultException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "The model provider failed.", detail: exception.Message);
        }
    }
}
