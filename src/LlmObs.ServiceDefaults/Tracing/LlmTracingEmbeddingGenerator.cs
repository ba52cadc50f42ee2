using LlmObs.Pricing;
using LlmObs.Semantics;
using Microsoft.Extensions.AI;

namespace LlmObs.Tracing;

/// <summary>
/// Sits inside Microsoft.Extensions.AI's <see cref="OpenTelemetryEmbeddingGenerator{TInput, TEmbedding}"/> and adds
/// cost and feature to its <c>embeddings {model}</c> span.
/// </summary>
internal sealed class LlmTracingEmbeddingGenerator<TInput, TEmbedding>(
    IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, LlmTracingOptions options)
    : DelegatingEmbeddingGenerator<TInput, TEmbedding>(innerGenerator)
    where TEmbedding : Embedding
{
    private readonly PriceCatalog _catalog = options.PriceCatalog ?? PriceCatalog.Default;
    private readonly EmbeddingGeneratorMetadata? _metadata = innerGenerator.GetService<EmbeddingGeneratorMetadata>();

    public override async Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync(
        IEnumerable<TInput> values, EmbeddingGenerationOptions? generationOptions = null, CancellationToken cancellationToken = default)
    {
        var span = SpanCost.CurrentGenAiSpan();
        if (span is not null && options.Feature is { } feature)
        {
            span.SetTag(LlmObsAttributes.Feature, feature);
        }

        var embeddings = await base.GenerateAsync(values, generationOptions, cancellationToken).ConfigureAwait(false);
        if (span is not null)
        {
            var model = embeddings.FirstOrDefault()?.ModelId ?? generationOptions?.ModelId ?? _metadata?.DefaultModelId;
            SpanCost.Record(span, model, _metadata?.ProviderName, embeddings.Usage, _catalog, options.ServiceTier);
        }

        return embeddings;
    }
}
