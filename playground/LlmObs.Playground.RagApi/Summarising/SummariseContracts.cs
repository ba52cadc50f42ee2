using LlmObs.Playground.RagApi.Answering;

namespace LlmObs.Playground.RagApi.Summarising;

/// <summary>The body of <c>POST /summarise</c>.</summary>
/// <param name="Ticket">The support ticket's text (customer's message and notes); required, at most 8,000 characters.</param>
/// <param name="UserId">The agent who asks, recorded on every LLM span as its keyed hash (<c>user.hash</c>); optional.</param>
public sealed record SummariseRequest(string? Ticket, string? UserId);

/// <summary>The answer of <c>POST /summarise</c>.</summary>
/// <param name="Summary">What the ticket is about and what the handbook says to do, citing pages by id.</param>
/// <param name="TraceId">The W3C trace id of the request.</param>
/// <param name="Model">The model that wrote the summary.</param>
/// <param name="Documents">The handbook pages retrieved for the ticket, best first.</param>
/// <param name="Usage">Tokens used by the chat call.</param>
public sealed record SummariseResponse(string Summary, string? TraceId, string? Model, IReadOnlyList<DocumentScore> Documents, TokenUsage Usage);
