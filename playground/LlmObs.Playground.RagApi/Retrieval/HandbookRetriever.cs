using LlmObs.Tracing;
using Microsoft.Extensions.AI;

namespace LlmObs.Playground.RagApi.Retrieval;

/// <summary>Finds the handbook pages closest to a question: embeds it, then searches the in-memory index.</summary>
internal sealed class HandbookRetriever(DocumentIndex index, IEmbeddingGenerator<string, Embedding<float>> embeddings)
{
    /// <summary>The data source id written on retrieval spans (<c>gen_ai.data_source.id</c>).</summary>
    public const string DataSourceId = "handbook";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(15);

    public async Task<IReadOnlyList<ScoredDocument>> RetrieveAsync(string question, int topK, CancellationToken cancellationToken)
    {
        if (!await index.WaitUntilReadyAsync(ReadyTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new IndexNotReadyException();
        }

        var query = await embeddings.GenerateVectorAsync(question, cancellationToken: cancellationToken).ConfigureAwait(false);

        using var span = RetrievalSpan.Start(DataSourceId, topK, question);
        var hits = index.Search(query.Span, topK);
        span.RecordDocuments(hits.Select(h => new RetrievedDocument(h.Document.Id, Math.Round(h.Score, 4), h.Document.Section)));
        return hits;
    }
}

/// <summary>The handbook has not been embedded yet (the model provider is slow or unreachable at startup).</summary>
internal sealed class IndexNotReadyException() : Exception("The handbook index is still being built; try again shortly.");
