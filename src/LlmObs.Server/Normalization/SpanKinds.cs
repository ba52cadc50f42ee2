namespace LlmObs.Server.Normalization;

/// <summary>The canonical kinds every convention's span types are mapped onto.</summary>
internal static class SpanKinds
{
    public const string Llm = "llm";
    public const string Embedding = "embedding";
    public const string Retrieval = "retrieval";
    public const string Rerank = "rerank";
    public const string Tool = "tool";
    public const string Agent = "agent";
    public const string Chain = "chain";
    public const string Other = "other";

    /// <summary>
    /// The kind a GenAI <c>gen_ai.operation.name</c> means. An operation this list does not know is <c>other</c>,
    /// not <c>llm</c>: counting unknown work as model calls would inflate every trace's LLM-call count.
    /// </summary>
    public static string? OfGenAiOperation(string? operation) => operation switch
    {
        null => null,
        "chat" or "text_completion" or "generate_content" => Llm,
        "embeddings" => Embedding,
        "retrieval" => Retrieval,
        "rerank" => Rerank,
        "execute_tool" => Tool,
        "invoke_agent" or "create_agent" => Agent,
        _ => Other,
    };

    /// <summary>The GenAI operation name that stands for a kind, for spans from conventions that have none.</summary>
    public static string? GenAiOperation(string? kind) => kind switch
    {
        Llm => "chat",
        Embedding => "embeddings",
        Retrieval => "retrieval",
        Rerank => "rerank",
        Tool => "execute_tool",
        Agent => "invoke_agent",
        _ => null,
    };
}
