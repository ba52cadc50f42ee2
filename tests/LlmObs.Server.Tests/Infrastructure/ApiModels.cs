using System.Text.Json;

namespace LlmObs.Server.Tests.Infrastructure;

// The query API's JSON contract as a client reads it, kept apart from the server's own types on purpose:
// a rename on the server must break these tests, not silently follow along.

public sealed record ApiTraceList(IReadOnlyList<ApiTraceSummary> Items);

public sealed record ApiTraceSummary(
    string TraceId,
    string RootName,
    string ServiceName,
    DateTime StartTime,
    double DurationMs,
    long SpanCount,
    long LlmCalls,
    long InputTokens,
    long OutputTokens,
    double CostUsd,
    bool HasError);

public sealed record ApiTrace(string TraceId, IReadOnlyList<ApiSpan> Spans)
{
    public ApiSpan Span(string name) => Assert.Single(Spans, s => s.Name == name);
}

public sealed record ApiSpan(
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
    ApiLlm? Llm,
    JsonElement Attributes,
    JsonElement? Events);

public sealed record ApiLlm(
    string? SpanKind,
    string? Operation,
    string? Provider,
    string? Model,
    long? InputTokens,
    long? OutputTokens,
    long? CacheReadTokens,
    long? CacheWriteTokens,
    long? ReasoningTokens,
    double? CostUsd,
    string? CostSource,
    string? Feature);
