using System.Runtime.CompilerServices;
using LlmObs.Semantics;
using Microsoft.Extensions.AI;

namespace LlmObs.Tracing;

/// <summary>
/// Sits inside Microsoft.Extensions.AI's <see cref="OpenTelemetryChatClient"/>, whose <c>chat {model}</c> span is then
/// <see cref="System.Diagnostics.Activity.Current"/>, and adds what that span lacks: feature, hashed user, conversation,
/// cache-write tokens and cost.
/// </summary>
internal sealed class LlmTracingChatClient(IChatClient innerClient, LlmCallRecorder recorder) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var span = recorder.CurrentSpan();
        if (span is not null)
        {
            recorder.Begin(span, options?.ConversationId is not null);
        }

        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        recorder.Record(span, response.ModelId ?? options?.ModelId, response.Usage);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var span = recorder.CurrentSpan();
        if (span is not null)
        {
            recorder.Begin(span, options?.ConversationId is not null);
        }

        string? model = null;
        UsageDetails? usage = null;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                model ??= update.ModelId;

                // An indexed loop: enumerating the IList interface would allocate for every chunk.
                var contents = update.Contents;
                for (var i = 0; i < contents.Count; i++)
                {
                    if (contents[i] is UsageContent usageContent)
                    {
                        (usage ??= new()).Add(usageContent.Details);
                    }
                }

                yield return update;
            }
        }
        finally
        {
            // Priced in finally so a stream that fails or is abandoned midway still records what it used so far.
            recorder.Record(span, model ?? options?.ModelId, usage);
        }
    }
}
