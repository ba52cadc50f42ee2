using System.Collections.Frozen;

namespace LlmObs.Server.Redaction;

/// <summary>What an attribute holds, as far as redaction is concerned.</summary>
internal enum AttributeRole
{
    /// <summary>Anything else: names, numbers, parameters, ids.</summary>
    None,

    /// <summary>Text a person or a model wrote: prompts, completions, tool arguments and results, queries, documents.</summary>
    Content,

    /// <summary>A user's own id, as sent.</summary>
    UserId,
}

/// <summary>
/// The attributes that carry content or a raw user id in every convention the normaliser reads: GenAI (attributes
/// and events), OpenInference, Langfuse, OpenLLMetry and the Vercel AI SDK.
/// </summary>
internal static class ContentAttributes
{
    private static readonly FrozenDictionary<string, AttributeRole> Exact = new Dictionary<string, AttributeRole>(StringComparer.Ordinal)
    {
        // GenAI, current and older.
        ["gen_ai.input.messages"] = AttributeRole.Content,
        ["gen_ai.output.messages"] = AttributeRole.Content,
        ["gen_ai.system_instructions"] = AttributeRole.Content,
        ["gen_ai.tool.call.arguments"] = AttributeRole.Content,
        ["gen_ai.tool.call.result"] = AttributeRole.Content,
        ["gen_ai.prompt"] = AttributeRole.Content,
        ["gen_ai.completion"] = AttributeRole.Content,
        ["gen_ai.retrieval.query.text"] = AttributeRole.Content,
        ["gen_ai.retrieval.documents"] = AttributeRole.Content,

        // OpenInference.
        ["input.value"] = AttributeRole.Content,
        ["output.value"] = AttributeRole.Content,
        ["llm.prompts"] = AttributeRole.Content,
        ["llm.prompt_template.variables"] = AttributeRole.Content,
        ["reranker.query"] = AttributeRole.Content,

        // Langfuse.
        ["langfuse.observation.input"] = AttributeRole.Content,
        ["langfuse.observation.output"] = AttributeRole.Content,
        ["langfuse.trace.input"] = AttributeRole.Content,
        ["langfuse.trace.output"] = AttributeRole.Content,

        // OpenLLMetry.
        ["traceloop.entity.input"] = AttributeRole.Content,
        ["traceloop.entity.output"] = AttributeRole.Content,

        // Vercel AI SDK.
        ["ai.prompt"] = AttributeRole.Content,
        ["ai.prompt.messages"] = AttributeRole.Content,
        ["ai.response.text"] = AttributeRole.Content,
        ["ai.response.object"] = AttributeRole.Content,
        ["ai.response.toolCalls"] = AttributeRole.Content,
        ["ai.response.reasoning"] = AttributeRole.Content,
        ["ai.toolCall.args"] = AttributeRole.Content,
        ["ai.toolCall.input"] = AttributeRole.Content,
        ["ai.toolCall.result"] = AttributeRole.Content,
        ["ai.toolCall.output"] = AttributeRole.Content,
        ["ai.value"] = AttributeRole.Content,
        ["ai.values"] = AttributeRole.Content,

        // Raw user ids: OpenTelemetry, OpenInference and Langfuse, OpenLLMetry, Vercel AI SDK.
        ["user.id"] = AttributeRole.UserId,
        ["enduser.id"] = AttributeRole.UserId,
        ["langfuse.user.id"] = AttributeRole.UserId,
        ["traceloop.association.properties.user_id"] = AttributeRole.UserId,
        ["ai.telemetry.metadata.userId"] = AttributeRole.UserId,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Flattened lists ({prefix}{index}.{field}), by first letter: every field is content but the few that name or order
    // its entries. Most keys that reach this are gen_ai.* names of no list, refused by two comparisons.
    private static readonly string[] GenAiLists = ["gen_ai.prompt.", "gen_ai.completion."];
    private static readonly string[] LlmLists = ["llm.input_messages.", "llm.output_messages."];
    private static readonly string[] RetrievalLists = ["retrieval.documents.", "reranker.input_documents.", "reranker.output_documents."];
    private static readonly string[] EmbeddingLists = ["embedding.embeddings."];

    private static readonly string[] StructuralSuffixes = [".role", ".id", ".name", ".type", ".finish_reason", ".score"];

    // What the older GenAI message events (gen_ai.user.message, gen_ai.choice…) call their content.
    private static readonly FrozenSet<string> EventContent = FrozenSet.Create(StringComparer.Ordinal, "content", "message", "tool_calls");

    /// <summary>The role of a span attribute.</summary>
    public static AttributeRole Of(string key)
    {
        // The shortest name here is user.id; most keys of most spans (http.*, db.*, url.*) are decided by the lookup.
        if (key.Length < 7)
        {
            return AttributeRole.None;
        }

        if (Exact.TryGetValue(key, out var role))
        {
            return role;
        }

        var lists = key[0] switch
        {
            'g' => GenAiLists,
            'l' => LlmLists,
            'r' => RetrievalLists,
            'e' => EmbeddingLists,
            _ => null,
        };
        return lists is not null && IsListContent(key, lists) ? AttributeRole.Content : AttributeRole.None;
    }

    /// <summary>The role of an attribute of a span event called <paramref name="eventName"/>.</summary>
    public static AttributeRole OfEvent(string eventName, string key) =>
        eventName.StartsWith("gen_ai.", StringComparison.Ordinal) && EventContent.Contains(key) ? AttributeRole.Content : Of(key);

    private static bool IsListContent(string key, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                foreach (var suffix in StructuralSuffixes)
                {
                    if (key.EndsWith(suffix, StringComparison.Ordinal))
                    {
                        return false;
                    }
                }

                return true;
            }
        }

        return false;
    }
}
