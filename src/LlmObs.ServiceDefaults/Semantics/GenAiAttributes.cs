namespace LlmObs.Semantics;

/// <summary>
/// OpenTelemetry GenAI semantic-convention names (v1.41, as Microsoft.Extensions.AI emits them).
/// One definition, shared by the service side and the server.
/// </summary>
internal static class GenAiAttributes
{
    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string System = "gen_ai.system";
    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string ResponseId = "gen_ai.response.id";
    public const string ResponseFinishReasons = "gen_ai.response.finish_reasons";
    public const string RequestTemperature = "gen_ai.request.temperature";
    public const string RequestMaxTokens = "gen_ai.request.max_tokens";
    public const string RequestTopP = "gen_ai.request.top_p";
    public const string RequestSeed = "gen_ai.request.seed";
    public const string RequestFrequencyPenalty = "gen_ai.request.frequency_penalty";
    public const string RequestPresencePenalty = "gen_ai.request.presence_penalty";
    public const string RequestStopSequences = "gen_ai.request.stop_sequences";
    public const string OutputType = "gen_ai.output.type";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string CacheReadTokens = "gen_ai.usage.cache_read.input_tokens";
    public const string ReasoningTokens = "gen_ai.usage.reasoning.output_tokens";
    public const string CacheCreationTokens = "gen_ai.usage.cache_creation.input_tokens";
    public const string ConversationId = "gen_ai.conversation.id";
    public const string InputMessages = "gen_ai.input.messages";
    public const string OutputMessages = "gen_ai.output.messages";
    public const string SystemInstructions = "gen_ai.system_instructions";
    public const string ToolName = "gen_ai.tool.name";
    public const string ToolCallArguments = "gen_ai.tool.call.arguments";
    public const string ToolCallResult = "gen_ai.tool.call.result";
    public const string TokenType = "gen_ai.token.type";
    public const string ErrorType = "error.type";
    public const string DataSourceId = "gen_ai.data_source.id";
    public const string RequestTopK = "gen_ai.request.top_k";
    public const string RetrievalQueryText = "gen_ai.retrieval.query.text";
    public const string RetrievalDocuments = "gen_ai.retrieval.documents";

    /// <summary>Read by Langfuse and OpenLIT; carried so their UIs and ours agree on the total.</summary>
    public const string UsageCost = "gen_ai.usage.cost";

    public static class Operations
    {
        public const string Chat = "chat";
        public const string Embeddings = "embeddings";
        public const string Retrieval = "retrieval";
        public const string ExecuteTool = "execute_tool";

        /// <summary>Not in the conventions yet; named like its siblings so GenAI-aware tools group it with retrieval.</summary>
        public const string Rerank = "rerank";
    }
}
