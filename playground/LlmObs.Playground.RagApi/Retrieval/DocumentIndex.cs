using LlmObs.Playground.RagApi.Documents;

namespace LlmObs.Playground.RagApi.Retrieval;

/// <summary>
/// The handbook's embeddings held in memory, searched by brute-force cosine similarity: with a few dozen
/// pages a vector database would only add a container to start.
/// </summary>
internal sealed class DocumentIndex
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<(HandbookDocument Document, float[] Vector)> _entries = [];

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    public int Count => _entries.Count;

    /// <summary>Replaces the index's contents and releases the requests waiting for it.</summary>
    public void Load(IReadOnlyList<(HandbookDocument Document, float[] Vector)> entries)
    {
        _entries = entries;
        _ready.TrySetResult();
    }

    /// <summary>Waits until the index is loaded; false when <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _ready.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public IReadOnlyList<ScoredDocument> Search(ReadOnlySpan<float> query, int topK)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);

        var scored = new List<ScoredDocument>(_entries.Count);
        foreach (var (document, vector) in _entries)
        {
            scored.Add(new ScoredDocument(document, CosineSimilarity(query, vector)));
        }

        return scored
            .OrderByDescending(s => s.Score)
            .ThenBy(s => s.Document.Id, StringComparer.Ordinal)
            .Take(topK)
            .ToList();
    }

    private static double CosineSimilarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new InvalidOperationException(
                $"The query has {a.Length} dimensions but the index has {b.Length}: were the documents embedded with another model?");
        }

        double dot = 0, normA = 0, normB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            normA += a[i] * a[i];
            normB += b[i] * b[i];
        }

        return normA == 0 || normB == 0 ? 0 : dot / (Math.Sqrt(normA) * Math.Sqrt(normB));
    }
}
