using System.Text.Json;

namespace LlmObs.Server.Annotations.Api;

/// <summary>Reads a request body as JSON, or says in a 400 why it could not.</summary>
internal static class JsonBody
{
    private const int MaxDepth = 32;

    public static async Task<(JsonDocument? Document, IResult? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = MaxDepth }, cancellationToken);
            return (document, null);
        }
        catch (JsonException e)
        {
            return (null, TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "The body is not valid JSON.",
                detail: e.Message));
        }
    }

    public static IResult Invalid(RequestErrors errors, string title) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: title);
}
