using LlmObs.Redaction;
using Microsoft.Extensions.AI;

namespace LlmObs.Tracing;

/// <summary>
/// Outermost link of a traced pipeline: tells Microsoft.Extensions.AI's <see cref="OpenTelemetryChatClient"/> before each
/// call whether to capture content. It captures when the pipeline's mode is <see cref="ContentMode.Raw"/>, or
/// <see cref="ContentMode.Redacted"/> and a redaction processor is there to redact it before export; otherwise not,
/// so content never leaves unredacted because a tracer provider was set up without LlmObs's processor.
/// </summary>
/// <remarks>
/// <see cref="FunctionInvokingChatClient"/> asks the same client whether to record tool arguments and results,
/// so tool spans follow the same rule.
/// </remarks>
internal sealed class ContentCaptureChatClient(OpenTelemetryChatClient innerClient, LlmCallRecorder recorder) : DelegatingChatClient(innerClient)
{
    // Not async: a pass-through that adds no state machine to every call.
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Decide();
        return base.GetResponseAsync(messages, options, cancellationToken);
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Decide();
        return base.GetStreamingResponseAsync(messages, options, cancellationToken);
    }

    private void Decide()
    {
        var mode = recorder.Policy.Mode;
        var capture = mode == ContentMode.Raw || (mode == ContentMode.Redacted && ContentRedactionProcessor.IsActive);
        if (innerClient.EnableSensitiveData != capture)
        {
            innerClient.EnableSensitiveData = capture;
        }
    }
}
