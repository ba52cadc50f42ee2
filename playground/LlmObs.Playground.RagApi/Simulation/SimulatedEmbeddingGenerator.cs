using Microsoft.Extensions.AI;

namespace LlmObs.Playground.RagApi.Simulation;

/// <summary>
/// An offline stand-in for text-embedding-3-small: a hashed bag of word stems, L2-normalised, so texts sharing
/// words are close under cosine similarity and retrieval finds the relevant pages. Deterministic across runs.
/// </summary>
public sealed class SimulatedEmbeddingGenerator(SimulatedLatency latency, TimeProvider timeProvider) : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string DefaultModelId = "text-embedding-3-small";
    public const int DefaultDimensions = 256;

    private readonly EmbeddingGeneratorMetadata _metadata = new("openai", SimulatedChatClient.ProviderUri, DefaultModelId, DefaultDimensions);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values.ToList();
        var dimensions = options?.Dimensions ?? DefaultDimensions;
        var modelId = options?.ModelId ?? DefaultModelId;

        await latency.EmbeddingAsync(cancellationToken).ConfigureAwait(false);

        var createdAt = timeProvider.GetUtcNow();
        var embeddings = inputs.Select(text => new Embedding<float>(Vectorize(text, dimensions)) { ModelId = modelId, CreatedAt = createdAt });
        var tokens = inputs.Sum(TokenCounter.O200k.Count);

        return new GeneratedEmbeddings<Embedding<float>>(embeddings)
        {
            Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens },
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }

    private static float[] Vectorize(string text, int dimensions)
    {
        var counts = WordStems.Of(text).CountBy(stem => stem, StringComparer.Ordinal);

        var vector = new float[dimensions];
        foreach (var (stem, count) in counts)
        {
            // The hash picks a slot and a sign; signs make unrelated words that share a slot cancel out instead of adding up.
            var hash = StableHash.Of(stem);
            var slot = (int)(hash % (ulong)dimensions);
            var sign = (hash >> 63) == 0 ? 1f : -1f;

            // Sublinear in repetitions, so a page that says "refund" five times does not drown out everything else.
            vector[slot] += sign * (1f + MathF.Log(count));
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm > 0)
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] /= norm;
            }
        }

        return vector;
    }
}
