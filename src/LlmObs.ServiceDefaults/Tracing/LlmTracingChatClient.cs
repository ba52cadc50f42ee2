using LlmObs.Redaction;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlmObs.Tracing;

/// <summary>
/// The link <c>UseLlmTracing()</c> adds to a chat pipeline. Each call gets one GenAI <c>chat {model}</c> span, made one
/// of two ways with the same attributes: by Microsoft.Extensions.AI's <see cref="OpenTelemetryChatClient"/>, with
/// <see cref="ChatSpanEnricher"/> inside it adding LlmObs's attributes, for calls that capture content, stream or offer
/// tools (that client's serialisation of messages, chunks and tool definitions is the reference); and by
/// <see cref="ChatSpan"/> for the rest, the common production case, at less cost per call.
/// </summary>
/// <remarks>
/// Content is captured when the pipeline's mode is <see cref="ContentMode.Raw"/>, or <see cref="ContentMode.Redacted"/>
/// and a redaction processor is there to redact it before export; otherwise not, so content never leaves unredacted
/// because a tracer provider was set up without LlmObs's processor. <see cref="FunctionInvokingChatClient"/> asks the
/// OpenTelemetry client whether to record tool arguments and results, so tool spans follow the same rule.
/// </remarks>
internal sealed class LlmTracingChatClient : DelegatingChatClient
{
    private readonly OpenTelemetryChatClient _openTelemetry;
    private readonly IChatClient _provider;
    private readonly LlmCallRecorder _recorder;
    private readonly ChatSpan _span;

    public LlmTracingChatClient(IChatClient provider, LlmCallRecorder recorder, ILogger? logger)
        : this(provider, recorder, logger, new OpenTelemetryChatClient(new ChatSpanEnricher(provider, recorder), logger, LlmObsTelemetry.SourceName))
    {
    }

    private LlmTracingChatClient(IChatClient provider, LlmCallRecorder recorder, ILogger? logger, OpenTelemetryChatClient openTelemetry)
        : base(openTelemetry)
    {
        _openTelemetry = openTelemetry;
        _provider = provider;
        _recorder = recorder;
        _span = new ChatSpan(recorder, provider.GetService<ChatClientMetadata>(), logger);

        // Its default follows OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT; here the content mode decides, per call.
        _openTelemetry.EnableSensitiveData = false;
    }

    // Not async: a pass-through that adds no state machine to every call.
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        CaptureContent() || options?.Tools is { Count: > 0 }
            ? base.GetResponseAsync(messages, options, cancellationToken)
            : _span.TraceAsync(_provider, messages, options, cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        CaptureContent();
        return base.GetStreamingResponseAsync(messages, options, cancellationToken);
    }

    private bool CaptureContent()
    {
        var mode = _recorder.Policy.Mode;
        var capture = mode == ContentMode.Raw || (mode == ContentMode.Redacted && ContentRedactionProcessor.IsActive);
        if (_openTelemetry.EnableSensitiveData != capture)
        {
            _openTelemetry.EnableSensitiveData = capture;
            if (capture)
            {
                ContentRedactionProcessor.ContentCaptured();
            }
        }

        return capture;
    }
}
