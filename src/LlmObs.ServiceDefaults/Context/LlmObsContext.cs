using System.Diagnostics;
using LlmObs.Redaction;
using OpenTelemetry;

namespace LlmObs.Context;

/// <summary>
/// The feature, user and conversation the current request serves, set once per request and written on every
/// LLM span under it. Carried as W3C baggage, so it also reaches the spans of other services the request calls.
/// </summary>
/// <example>
/// <code>
/// app.MapPost("/ask", async (AskRequest request, IChatClient chat) =>
/// {
///     using var scope = LlmObsContext.Begin(feature: "ask", userId: request.UserId, conversationId: request.ThreadId);
///     return await chat.GetResponseAsync(request.Question);
/// });
/// </code>
/// </example>
public static class LlmObsContext
{
    /// <summary>The baggage key of the feature.</summary>
    public const string FeatureKey = "llmobs.feature";

    /// <summary>The baggage key of the hashed user id. The raw id never travels: it would reach every service and provider called.</summary>
    public const string UserHashKey = "llmobs.user_hash";

    /// <summary>The baggage key of the conversation (session) id.</summary>
    public const string ConversationIdKey = "llmobs.conversation_id";

    /// <summary>The product feature of the current request, if one was set here or by a calling service.</summary>
    public static string? Feature => Baggage.GetBaggage(FeatureKey);

    /// <summary>The hashed user id of the current request, if one was set here or by a calling service.</summary>
    public static string? UserHash => Baggage.GetBaggage(UserHashKey);

    /// <summary>The conversation id of the current request, if one was set here or by a calling service.</summary>
    public static string? ConversationId => Baggage.GetBaggage(ConversationIdKey);

    /// <summary>
    /// Sets the feature, user and conversation of the code that runs until the returned scope is disposed.
    /// Values left null keep what an enclosing scope or a calling service set.
    /// </summary>
    /// <param name="feature">The product feature, e.g. <c>summarise_thread</c> (<c>llmobs.feature</c>).</param>
    /// <param name="userId">
    /// The user's id. It is hashed at once with the keyed HMAC-SHA256 of <c>LlmObs:UserIdHashKey</c>; only the hash
    /// is kept, propagated and exported (<c>user.hash</c>).
    /// </param>
    /// <param name="conversationId">The conversation or session id (<c>gen_ai.conversation.id</c>).</param>
    /// <returns>A scope that restores the previous values when disposed.</returns>
    public static IDisposable Begin(string? feature = null, string? userId = null, string? conversationId = null)
    {
        var previous = Baggage.Current;
        var baggage = previous;
        if (!string.IsNullOrEmpty(feature))
        {
            baggage = baggage.SetBaggage(FeatureKey, feature);
        }

        if (!string.IsNullOrEmpty(userId))
        {
            baggage = baggage.SetBaggage(UserHashKey, ContentPolicy.Default.UserIds.Hash(userId));
        }

        if (!string.IsNullOrEmpty(conversationId))
        {
            baggage = baggage.SetBaggage(ConversationIdKey, conversationId);
        }

        Baggage.Current = baggage;

        // Activity baggage too, for propagators and processors that read it rather than OpenTelemetry's.
        if (Activity.Current is { } activity)
        {
            foreach (var (key, value) in baggage)
            {
                if (key.StartsWith("llmobs.", StringComparison.Ordinal) && activity.GetBaggageItem(key) != value)
                {
                    activity.SetBaggage(key, value);
                }
            }
        }

        return new Scope(previous);
    }

    private sealed class Scope(Baggage previous) : IDisposable
    {
        public void Dispose() => Baggage.Current = previous;
    }
}
