namespace LlmObs.Playground.RagApi.Answering;

/// <summary>The body of <c>POST /ask</c> and <c>POST /ask/stream</c>.</summary>
/// <param name="Question">What the employee asks; required, at most 2,000 characters.</param>
/// <param name="UserId">Who asks, recorded on every LLM span as its keyed hash (<c>user.hash</c>); optional.</param>
/// <param name="ConversationId">The chat session the question belongs to (<c>gen_ai.conversation.id</c>), so LlmObs lists
/// a session's traces together; optional.</param>
public sealed record AskRequest(string? Question, string? UserId, string? ConversationId = null);

/// <summary>The answer of <c>POST /ask</c>.</summary>
/// <param name="Answer">The model's answer, citing handbook pages by id.</param>
/// <param name="TraceId">The W3C trace id of the request, to find its trace in LlmObs or the Aspire dashboard.</param>
/// <param name="Model">The model that answered, as the provider reported it.</param>
/// <param name="Documents">The handbook pages retrieved as context, best first.</param>
/// <param name="Usage">Tokens used by every chat call of the request (tool calls make two).</param>
public sealed record AskResponse(string Answer, string? TraceId, string? Model, IReadOnlyList<DocumentScore> Documents, TokenUsage Usage);

/// <summary>A retrieved page and its cosine similarity to the question.</summary>
public sealed record DocumentScore(string Id, double Score);

/// <summary>Token counts summed over the chat calls of a request.</summary>
/// <param name="CachedInputTokens">The part of <paramref name="InputTokens"/> read from the provider's prompt cache.</param>
public sealed record TokenUsage(long InputTokens, long OutputTokens, long CachedInputTokens);

/// <summary>The first event of <c>POST /ask/stream</c> (<c>event: retrieval</c>).</summary>
public sealed record AskStreamRetrieval(string? TraceId, IReadOnlyList<DocumentScore> Documents);

/// <summary>A piece of the answer (<c>event: delta</c>).</summary>
public sealed record AskStreamDelta(string Text);

/// <summary>The last event of a stream that completed (<c>event: done</c>).</summary>
public sealed record AskStreamDone(string? Model, string? FinishReason, TokenUsage Usage);
