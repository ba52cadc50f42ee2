namespace LlmObs.Server.Ingest;

/// <summary>How an export ended; each transport turns it into its own answer (HTTP status or gRPC status).</summary>
internal sealed record TraceIngestResult(TraceIngestOutcome Outcome, long RejectedSpans = 0, string? Message = null)
{
    /// <summary>How long a client should wait before retrying a refused export.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);
}

internal enum TraceIngestOutcome
{
    /// <summary>Every valid span is durable; <see cref="TraceIngestResult.RejectedSpans"/> were invalid and dropped.</summary>
    Accepted,

    /// <summary>The store's write queue is full: the sender is faster than the store. Nothing was acknowledged; retry later.</summary>
    StoreBusy,

    /// <summary>The store failed or is shutting down; nothing was acknowledged. Retry later.</summary>
    StoreUnavailable,
}
