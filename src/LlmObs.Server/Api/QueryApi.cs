using System.Text.Json;
using LlmObs.Server.Storage;

namespace LlmObs.Server.Api;

/// <summary>The JSON query API: trace lists and whole traces, for the UI and for scripts.</summary>
internal static class QueryApi
{
    public static IEndpointRouteBuilder MapQueryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");

        api.MapGet("/traces", async (ISpanStore store, int? limit, string? service, CancellationToken cancellationToken) =>
        {
            var traces = await store.ListTracesAsync(new TraceListQuery(limit ?? 50, service), cancellationToken);
            return Results.Ok(new TraceListResponse(traces));
        });

        api.MapGet("/traces/{traceId}", async (string traceId, ISpanStore store, CancellationToken cancellationToken) =>
        {
            if (traceId.Length != 32 || !traceId.All(Uri.IsHexDigit))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "A trace id is 32 hex characters.");
            }

            var spans = await store.GetTraceAsync(traceId, cancellationToken);
            return spans.Count == 0
                ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No trace {traceId} is stored.")
                : Results.Ok(new TraceResponse(traceId.ToLowerInvariant(), spans.Select(SpanResponse.From).ToList()));
        });

        return app;
    }
}

internal sealed record TraceListResponse(IReadOnlyList<TraceSummary> Items);

internal sealed record TraceResponse(string TraceId, IReadOnlyList<SpanResponse> Spans);

internal sealed record SpanResponse(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    int Kind,
    string ServiceName,
    string? ScopeName,
    DateTime StartTime,
    DateTime EndTime,
    double DurationMs,
    int StatusCode,
    string? StatusMessage,
    Ingest.LlmView? Llm,
    JsonElement Attributes,
    JsonElement? Events)
{
    public static SpanResponse From(StoredSpan stored)
    {
        var s = stored.Span;
        return new SpanResponse(
            s.TraceId, s.SpanId, s.ParentSpanId, s.Name, s.Kind, s.ServiceName, s.ScopeName, s.StartTime, s.EndTime, s.DurationMs,
            s.StatusCode, s.StatusMessage, ReferenceEquals(s.Llm, Ingest.LlmView.None) ? null : s.Llm,
            JsonDocument.Parse(s.AttributesJson).RootElement,
            s.EventsJson is null ? null : JsonDocument.Parse(s.EventsJson).RootElement);
    }
}
