using LlmObs.Semantics;
using Microsoft.Extensions.AI;

namespace LlmObs.Tracing;

/// <summary>
/// Sits inside Microsoft.Extensions.AI's <see cref="OpenTelemetryChatClient"/>, whose <c>chat {model}</c> span is then
/// <see cref="System.Diagnostics.Activity.Current"/>, and adds what that span lacks: feature, hashed user, conversation,
/// cache-write tokens and cost. Used for the calls <see cref="LlmTracingChatClient"/> leaves to that client.
/// </summary>
internal sealed class ChatSpanEnricher(IChatClient innerClient, LlmCallRecorder recorder) : DelegatingChatClient(innerClient)
{
    // Not async: a response that is already there (a cache, a test double, a fast provider) is recorded at once and
    // its task passed up as it is, without a state machine or a second task per call.
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var span = recorder.CurrentSpan();
        if (span is not null)
        {
            recorder.Begin(span, options?.ConversationId is not null);
        }

        Task<ChatResponse> call;
        try
        {
            call = base.GetResponseAsync(messages, options, cancellationToken);
        }
        catch (Exception e)
        {
            // As an async method would: the failure travels in the task.
            return FailedCall.From(e);
        }

        if (!call.IsCompletedSuccessfully)
        {
            return Awaited(call, span, options?.ModelId);
        }

        var response = call.Result;
        recorder.Record(span, response.ModelId ?? options?.ModelId, response.Usage);
        return call;
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var span = recorder.CurrentSpan();
        if (span is not null)
        {
            recorder.Begin(span, options?.ConversationId is not null);
        }

        return new UsageTrackingStream(base.GetStreamingResponseAsync(messages, options, cancellationToken), recorder, span, options?.ModelId, cancellationToken);
    }

    private async Task<ChatResponse> Awaited(Task<ChatResponse> call, System.Diagnostics.Activity? span, string? requestModel)
    {
        var response = await call.ConfigureAwait(false);
        recorder.Record(span, response.ModelId ?? requestModel, response.Usage);
        return response;
    }

    /// <summary>
    /// Passes a stream through, noting its model and usage, and records them when the stream ends, fails or is
    /// abandoned, so a stream cut midway still reports what it used. Written by hand rather than as an async
    /// iterator: chunks that are already there pass without a state machine step each.
    /// </summary>
    private sealed class UsageTrackingStream(
        IAsyncEnumerable<ChatResponseUpdate> inner, LlmCallRecorder recorder, System.Diagnostics.Activity? span, string? requestModel, CancellationToken cancellationToken)
        : IAsyncEnumerable<ChatResponseUpdate>, IAsyncEnumerator<ChatResponseUpdate>
    {
        private IAsyncEnumerator<ChatResponseUpdate>? _enumerator;
        private string? _model;
        private UsageDetails? _usage;
        private bool _recorded;

        public ChatResponseUpdate Current => _enumerator!.Current;

        public IAsyncEnumerator<ChatResponseUpdate> GetAsyncEnumerator(CancellationToken token = default)
        {
            if (_enumerator is not null)
            {
                throw new InvalidOperationException("The stream of a chat response can be enumerated once.");
            }

            _enumerator = inner.GetAsyncEnumerator(token.CanBeCanceled ? token : cancellationToken);
            return this;
        }

        public ValueTask<bool> MoveNextAsync()
        {
            ValueTask<bool> next;
            try
            {
                next = _enumerator!.MoveNextAsync();
            }
            catch
            {
                Record();
                throw;
            }

            return next.IsCompletedSuccessfully ? new ValueTask<bool>(Moved(next.Result)) : Awaited(next);
        }

        public async ValueTask DisposeAsync()
        {
            Record();
            if (_enumerator is not null)
            {
                await _enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }

        private async ValueTask<bool> Awaited(ValueTask<bool> next)
        {
            try
            {
                return Moved(await next.ConfigureAwait(false));
            }
            catch
            {
                Record();
                throw;
            }
        }

        private bool Moved(bool hasNext)
        {
            if (!hasNext)
            {
                Record();
                return false;
            }

            var update = _enumerator!.Current;
            _model ??= update.ModelId;

            // An indexed loop: enumerating the IList interface would allocate for every chunk.
            var contents = update.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                if (contents[i] is UsageContent usageContent)
                {
                    (_usage ??= new()).Add(usageContent.Details);
                }
            }

            return true;
        }

        private void Record()
        {
            if (!_recorded)
            {
                _recorded = true;
                recorder.Record(span, _model ?? requestModel, _usage);
            }
        }
    }
}
