using System.Threading.Channels;

namespace LlmObs.Server.Storage;

/// <summary>
/// Funnels the writes of all concurrent requests to the store's writer(s), which take everything waiting as
/// one batch and one transaction: many small OTLP requests become few large commits. Each request is told
/// when the transaction holding its spans committed (or failed), never earlier.
/// Maintenance (retention) goes through the same queue, so an engine with a single writer never sees two.
/// </summary>
internal sealed class WriteQueue<T>(int maxQueuedSpans, int maxBatchSpans)
{
    private readonly Channel<WorkItem> _items = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = false });
    private long _queuedSpans;

    /// <summary>Queues the spans and completes when they are durable; throws <see cref="StoreUnavailableException"/> when full.</summary>
    public Task WriteAsync(IReadOnlyList<T> spans, CancellationToken cancellationToken)
    {
        if (spans.Count == 0)
        {
            return Task.CompletedTask;
        }

        // Bounded by spans, not requests: the client is told to back off (503 + Retry-After) instead of the server running out of memory.
        if (Interlocked.Add(ref _queuedSpans, spans.Count) > maxQueuedSpans)
        {
            Interlocked.Add(ref _queuedSpans, -spans.Count);
            throw new StoreQueueFullException();
        }

        var pending = new PendingWrite(spans);
        if (!_items.Writer.TryWrite(pending))
        {
            Interlocked.Add(ref _queuedSpans, -spans.Count);
            throw new StoreUnavailableException("The store is shutting down.");
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Runs <paramref name="action"/> on a writer, between batches.</summary>
    public Task<TResult> RunAsync<TResult>(Func<CancellationToken, Task<TResult>> action, CancellationToken cancellationToken)
    {
        var item = new Maintenance<TResult>(action, cancellationToken);
        if (!_items.Writer.TryWrite(item))
        {
            throw new StoreUnavailableException("The store is shutting down.");
        }

        return item.Done.Task;
    }

    public void Complete() => _items.Writer.TryComplete();

    /// <summary>
    /// The writer loop: waits for work, then hands <paramref name="write"/> every write waiting (up to the batch
    /// size) and settles each request with the outcome. Ends when the queue is completed and drained.
    /// </summary>
    public async Task RunWriterAsync(Func<IReadOnlyList<T>, Task> write, Action<Exception, int> onFailure)
    {
        var batch = new List<PendingWrite>();
        var spans = new List<T>();
        while (await _items.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (spans.Count < maxBatchSpans && _items.Reader.TryRead(out var item))
            {
                if (item is PendingWrite pending)
                {
                    batch.Add(pending);
                    spans.AddRange(pending.Spans);
                }
                else
                {
                    await FlushAsync().ConfigureAwait(false);
                    await ((IMaintenance)item).RunAsync().ConfigureAwait(false);
                }
            }

            await FlushAsync().ConfigureAwait(false);
        }

        async Task FlushAsync()
        {
            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                await write(spans).ConfigureAwait(false);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                onFailure(ex, batch.Count);
                var failure = ex as StoreUnavailableException ?? new StoreUnavailableException("The store could not write the spans.", ex);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(failure);
                }
            }
            finally
            {
                Interlocked.Add(ref _queuedSpans, -spans.Count);
                batch.Clear();
                spans.Clear();
            }
        }
    }

    private abstract class WorkItem;

    private interface IMaintenance
    {
        Task RunAsync();
    }

    private sealed class PendingWrite(IReadOnlyList<T> spans) : WorkItem
    {
        public IReadOnlyList<T> Spans { get; } = spans;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Maintenance<TResult>(Func<CancellationToken, Task<TResult>> action, CancellationToken cancellationToken) : WorkItem, IMaintenance
    {
        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task RunAsync()
        {
            try
            {
                Done.TrySetResult(await action(cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                Done.TrySetException(ex);
            }
        }
    }
}
