using System.Text.Json;
using LlmObs.Server.Storage;

namespace LlmObs.Server.Api;

/// <summary>A whole trace: every span, its canonical LLM view and its raw attributes. The UI builds the tree from parentSpanId.</summary>
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
            s.StatusCode, s.StatusMessage, Normalization.StoredLlmView.Complete(s), // the columns' view completed from the raw attributes
            JsonDocument.Parse(s.AttributesJson).RootElement,
            s.EventsJson is null ? null : JsonDocument.Parse(s.EventsJson).RootElement);
    }
}

/// <summary>Everything the cost dashboard shows, in one answer so a refresh is one request.</summary>
internal sealed record DashboardResponse(
    DateTime? From,
    DateTime? To,
    IReadOnlyList<Query.DailyCost> CostPerDayByFeature,
    IReadOnlyList<Query.DailyCost> CostPerDayByUser,
    IReadOnlyList<Query.GroupCost> CostByModel,
    Query.Percentiles CostPerCall,
    Query.CacheHitRates CacheHitRate,
    IReadOnlyList<Query.LlmCallRow> TopCalls,
    IReadOnlyList<Query.ModelLatency> Latency,
    Query.ErrorRates ErrorRate,
    IReadOnlyList<Query.TokenBucket> TokensOverTime);
