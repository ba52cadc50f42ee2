using Microsoft.Extensions.AI;

namespace LlmObs.Tracing;

/// <summary>
/// The task an async method would return for an exception thrown before its first await: faulted, or cancelled for
/// an <see cref="OperationCanceledException"/>. Our links are not async methods, so they make it themselves.
/// </summary>
internal static class FailedCall
{
    public static Task<ChatResponse> From(Exception exception)
    {
        var failed = new TaskCompletionSource<ChatResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (exception is OperationCanceledException canceled)
        {
            failed.SetCanceled(canceled.CancellationToken);
        }
        else
        {
            failed.SetException(exception);
        }

        return failed.Task;
    }
}
