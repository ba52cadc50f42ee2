using LlmObs.Playground.RagApi.Retrieval;
using Microsoft.Extensions.AI;

namespace LlmObs.Playground.RagApi.Answering;

/// <summary>Answers questions about the handbook: retrieve the closest pages, then ask the model with them as context.</summary>
internal sealed class HandbookAssistant(IChatClient chatClient, HandbookRetriever retriever, AnswerPrompt prompt)
{
    public const int TopK = 4;

    public Task<IReadOnlyList<ScoredDocument>> RetrieveAsync(string question, CancellationToken cancellationToken) =>
        retriever.RetrieveAsync(question, TopK, cancellationToken);

    public Task<ChatResponse> AnswerAsync(string question, IReadOnlyList<ScoredDocument> documents, CancellationToken cancellationToken) =>
        chatClient.GetResponseAsync(prompt.Build(question, documents), CreateOptions(), cancellationToken);

    public IAsyncEnumerable<ChatResponseUpdate> StreamAnswerAsync(string question, IReadOnlyList<ScoredDocument> documents, CancellationToken cancellationToken) =>
        chatClient.GetStreamingResponseAsync(prompt.Build(question, documents), CreateOptions(), cancellationToken);

    private static ChatOptions CreateOptions() => new()
    {
        Tools = [PlanPriceTool.Function],
        Temperature = 0.2f,
        MaxOutputTokens = 500,
    };
}
