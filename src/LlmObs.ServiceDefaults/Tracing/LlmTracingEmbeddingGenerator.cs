using Microsoft.Extensions.AI;

namespace LlmObs.Tracing;

/// <summary>
/// Sits inside Microsoft.Extensions.AI's <see cref="OpenTelemetryEmbeddingGenerator{TInput, TEmbedding}"/> and adds
/// feature, hashed user and cost to its <c>embeddings {model}</c> span.
/// </summary>
internal sealed class LlmTracingEmbeddingGenerator<TInput, TEmbedding>(
    IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, LlmCallRecorder recorder)
    : DelegatingEmbeddingGenerator<TInput, TEmbedding>(innerGenerator)
    where TEmbedding : Embedding
{
    public override async Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync(
        IEnumerable<TInput> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var span = recorder.CurrentSpan();
        if (span is not null)
        {
            recorder.Begin(span, conversationTagged: false);
        }

        var embeddings = await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
        var model = embeddings.Count > 0 ? embeddings[0].ModelId : null;
        recorder.Record(span, model ?? options?.ModelId, embeddings.Usage);
        return embeddings;
    }
}
