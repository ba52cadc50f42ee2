using LlmObs.Server.Ingest;

namespace LlmObs.Server.Storage;

/// <summary>
/// Where spans are kept. <see cref="WriteAsync"/> completes only once the spans are durable,
/// so the receiver acknowledges nothing that a crash could lose.
/// </summary>
internal interface ISpanStore
{
    Task WriteAsync(IReadOnlyList<SpanRecord> spans, CancellationToken cancellationToken);

    /// <summary>Every stored span of the trace, in start order; empty when the trace is unknown.</summary>
    Task<IReadOnlyList<StoredSpan>> GetTraceAsync(string traceId, CancellationToken cancellationToken);
}

/// <summary>A span as the query API serves it: the record plus its raw attributes.</summary>
internal sealed record StoredSpan(SpanRecord Span);

/// <summary>The store cannot accept writes now; the receiver answers 503 so the client retries.</summary>
internal class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The store is healthy but its write queue is full: the client is sending faster than it writes (429).</summary>
internal sealed class StoreQueueFullException() : StoreUnavailableException("The store's write queue is full; retry later.");
