using LlmObs.Tracing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.AI;

/// <summary>Adds LlmObs tracing to Microsoft.Extensions.AI pipelines.</summary>
public static class LlmTracingBuilderExtensions
{
    /// <summary>
    /// Traces every call of the chat client as a GenAI <c>chat {model}</c> span (Microsoft.Extensions.AI's
    /// OpenTelemetry client, configured for you) with cost, cache and reasoning tokens and the feature added.
    /// Place it after <c>UseFunctionInvocation()</c> so tool calls appear as <c>execute_tool</c> child spans.
    /// </summary>
    /// <param name="builder">The chat client pipeline.</param>
    /// <param name="configure">Sets the <see cref="LlmTracingOptions"/> of this pipeline.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static ChatClientBuilder UseLlmTracing(this ChatClientBuilder builder, Action<LlmTracingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = CreateOptions(configure);

        // Ours goes inside MEAI's client so its span is Activity.Current while we run.
        return builder
            .UseOpenTelemetry(sourceName: LlmObsTelemetry.SourceName, configure: otel => otel.EnableSensitiveData = options.EnableSensitiveData)
            .Use(inner => new LlmTracingChatClient(inner, options));
    }

    /// <summary>
    /// Traces every call of the embedding generator as a GenAI <c>embeddings {model}</c> span with tokens and cost.
    /// </summary>
    /// <typeparam name="TInput">The type of the values embedded.</typeparam>
    /// <typeparam name="TEmbedding">The type of the embeddings generated.</typeparam>
    /// <param name="builder">The embedding generator pipeline.</param>
    /// <param name="configure">Sets the <see cref="LlmTracingOptions"/> of this pipeline.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> UseLlmTracing<TInput, TEmbedding>(
        this EmbeddingGeneratorBuilder<TInput, TEmbedding> builder, Action<LlmTracingOptions>? configure = null)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = CreateOptions(configure);

        return builder
            .UseOpenTelemetry(sourceName: LlmObsTelemetry.SourceName, configure: otel => otel.EnableSensitiveData = options.EnableSensitiveData)
            .Use(inner => new LlmTracingEmbeddingGenerator<TInput, TEmbedding>(inner, options));
    }

    private static LlmTracingOptions CreateOptions(Action<LlmTracingOptions>? configure)
    {
        var options = new LlmTracingOptions();
        configure?.Invoke(options);
        return options;
    }
}
