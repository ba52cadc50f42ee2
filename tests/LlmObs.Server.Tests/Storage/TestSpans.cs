using LlmObs.Server.Ingest;

namespace LlmObs.Server.Tests.Storage;

/// <summary>Span records as the mapper makes them, built directly so store tests control every field.</summary>
internal static class TestSpans
{
    public static string NewTraceId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    public static string NewSpanId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8]);

    public static SpanRecord Span(string traceId, string name, DateTime start, string service = "svc", string? parent = null, string attributes = "{}") => new()
    {
        TraceId = traceId,
        SpanId = NewSpanId(),
        ParentSpanId = parent,
        Name = name,
        Kind = 1,
        ServiceName = service,
        ScopeName = "tests",
        // Microsecond precision: both engines keep timestamps to the microsecond.
        StartTime = Truncate(start),
        EndTime = Truncate(start.AddMilliseconds(5)),
        DurationMs = 5,
        AttributesJson = attributes,
        ResourceJson = $$"""{"service.name":"{{service}}"}""",
    };

    public static SpanRecord Chat(string traceId, string parent, DateTime start, long input, long output, double cost, string service = "svc", string attributes = "{}") =>
        Span(traceId, "chat gpt-4o-mini", start, service, parent, attributes) with
        {
            Kind = 3,
            Llm = new LlmView
            {
                SpanKind = "llm",
                Operation = "chat",
                Provider = "openai",
                Model = "gpt-4o-mini",
                InputTokens = input,
                OutputTokens = output,
                CostUsd = cost,
                CostSource = "client",
                Feature = "ask",
            },
        };

    private static DateTime Truncate(DateTime time) => new(time.Ticks - time.Ticks % 10, DateTimeKind.Utc);
}
