using System.Runtime.CompilerServices;
using LlmObs.Pricing;
using LlmObs.Semantics;
using Microsoft.Extensions.AI;

namespace LlmObs.Tracing;

/// <summary>
/// Sits inside Microsoft.Extensions.AI's <see cref="OpenTelemetryChatClient"/> and adds what its
/// <c>chat {model}</c> span lacks: cost, and the feature the call serves.
/// </summary>
internal sealed class LlmTracingChatClient(IChatClient innerClient, LlmTracingOptions options) : DelegatingChatClient(innerClient)
{
    private readonly PriceCatalog _catalog = options.PriceCatalog ?? PriceCatalog.Default;
    private readonly string? _provider = innerClient.GetService<ChatClientMetadata>()?.ProviderName;
    private readonly string? _defaultModel = innerClient.GetService<ChatClientMetadata>()?.DefaultModelId;

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, CancellationToken cancellationToken = default)
    {
        var span = SpanCost.CurrentGenAiSpan();
        TagFeature(span);
        var response = await base.GetResponseAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false);
        if (span is not null)
        {
            SpanCost.Record(span, response.ModelId ?? chatOptions?.ModelId ?? _defaultModel, _provider, response.Usage, _catalog, options.ServiceTier);
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var span = SpanCost.CurrentGenAiSpan();
        TagFeature(span);
        if (span is null)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        string? model = null;
        UsageDetails? usage = null;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false))
            {
                model ??= update.ModelId;
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent usageContent)
                    {
                        (usage ??= new()).Add(usageContent.Details);
                    }
                }

                yield return update;
            }
        }
        finally
        {
            // Priced in finally so a stream that fails or is cancelled midway still records what it used.
            SpanCost.Record(span, model ?? chatOptions?.ModelId ?? _defaultModel, _provider, usage, _catalog, options.ServiceTier);
        }
    }

    private void TagFeature(System.Diagnostics.Activity? span)
    {
        if (span is not null && options.Feature is { } feature)
        {
            span.SetTag(LlmObsAttributes.Feature, feature);
        }
    }
}
