using Microsoft.Extensions.AI;

namespace LlmObs.Evaluation.Worker;

/// <summary>A stored model call rebuilt for evaluators: what it was asked, what it answered, what it was given to read.</summary>
public sealed record EvaluatedCall(
    string TraceId,
    string SpanId,
    string? Feature,
    string? Model,
    IReadOnlyList<ChatMessage> Messages,
    ChatResponse Response,
    IReadOnlyList<string> Documents,
    string? ResponseId);
