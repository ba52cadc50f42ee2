using LlmObs.Semantics;
using LlmObs.Tracing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.AI;

/// <summary>Adds LlmObs tracing to Microsoft.Extensions.AI pipelines.</summary>
public static class LlmTracingBuilderExtensions
{
    /// <summary>
    /// Traces every call of the chat client as a GenAI <c>chat {model}</c> span, as Microsoft.Extensions.AI's OpenTelemetry
    /// client writes it (do not add <c>UseOpenTelemetry()</c> as well), with LlmObs's additions: feature, hashed user,
    /// conversation, cache-write tokens, cost breakdown, redacted content, and cost and token counters. Calls that capture
    /// content, stream or offer tools go through that client; the others get the same span written directly, for less.
    /// Place it after <c>UseFunctionInvocation()</c> so each round trip is its own chat span and tool calls appear as
    /// <c>execute_tool {name}</c> spans beside them.
    /// </summary>
    /// <param name="builder">The chat client pipeline.</param>
    /// <param name="configure">Sets the <see cref="LlmTracingOptions"/> of this pipeline.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static ChatClientBuilder UseLlmTracing(this ChatClientBuilder builder, Action<LlmTracingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var options = CreateOptions(configure);
            var metadata = inner.GetService<ChatClientMetadata>();
            var recorder = new LlmCallRecorder(options, GenAiAttributes.Operations.Chat, metadata?.ProviderName, metadata?.DefaultModelId);
            return new LlmTracingChatClient(inner, recorder, Logger<OpenTelemetryChatClient>(services));
        });
    }

    /// <summary>
    /// Traces every call of the embedding generator as a GenAI <c>embeddings {model}</c> span with tokens, cost,
    /// feature and hashed user, and counts its cost and tokens.
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
        return builder.Use((inner, services) =>
        {
            var options = CreateOptions(configure);
            var metadata = inner.GetService<EmbeddingGeneratorMetadata>();
            var recorder = new LlmCallRecorder(options, GenAiAttributes.Operations.Embeddings, metadata?.ProviderName, metadata?.DefaultModelId);
            return new OpenTelemetryEmbeddingGenerator<TInput, TEmbedding>(
                new LlmTracingEmbeddingGenerator<TInput, TEmbedding>(inner, recorder),
                Logger<OpenTelemetryEmbeddingGenerator<TInput, TEmbedding>>(services),
                LlmObsTelemetry.SourceName);
        });
    }

    private static LlmTracingOptions CreateOptions(Action<LlmTracingOptions>? configure)
    {
        var options = new LlmTracingOptions();
        configure?.Invoke(options);
        return options;
    }

    private static ILogger? Logger<T>(IServiceProvider services) => services.GetService<ILoggerFactory>()?.CreateLogger(typeof(T));
}
