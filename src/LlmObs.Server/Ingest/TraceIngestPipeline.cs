using Google.Protobuf;
using LlmObs.Server.Forwarding;
using LlmObs.Server.Otlp;
using LlmObs.Server.Redaction;
using LlmObs.Server.Storage;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace LlmObs.Server.Ingest;

/// <summary>
/// One path for every trace export, whatever carried it (OTLP/HTTP protobuf or JSON, OTLP/gRPC, the Langfuse path):
/// redact (as <c>LlmObs:Redaction</c> says), map and normalise, store durably (the store's bounded queue refuses what
/// it cannot take), and only then acknowledge and forward.
/// </summary>
internal sealed class TraceIngestPipeline(
    IngestRedactor redactor,
    OtlpSpanMapper mapper,
    ISpanStore store,
    GatewayEnricher enricher,
    OtlpForwarder forwarder,
    ILogger<TraceIngestPipeline> logger)
{
    /// <param name="request">The decoded export.</param>
    /// <param name="receivedProtobuf">
    /// The request's protobuf bytes as received (asked for only when forwarding), forwarded as they are when nothing was
    /// added or redacted; null when it arrived as JSON.
    /// </param>
    /// <param name="source">What the transport knows beyond the body.</param>
    public async Task<TraceIngestResult> IngestAsync(
        ExportTraceServiceRequest request, Func<byte[]>? receivedProtobuf, IngestSource source, CancellationToken cancellationToken)
    {
        // Before anything reads the spans: what is stored, normalised and forwarded is the redacted request.
        var redacted = redactor.Redact(request);
        var mapped = mapper.Map(request, source);
        try
        {
            await store.WriteAsync(mapped.Spans, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Whatever the failure, the client must not take the export as stored: it retries on 503 / UNAVAILABLE.
            if (ex is not StoreUnavailableException)
            {
                logger.LogError(ex, "The store failed to write {Count} spans.", mapped.Spans.Count);
            }

            return new TraceIngestResult(
                ex is StoreQueueFullException ? TraceIngestOutcome.StoreBusy : TraceIngestOutcome.StoreUnavailable,
                Message: ex is StoreUnavailableException ? ex.Message : "The store could not write the spans.");
        }

        if (forwarder.Enabled)
        {
            // Enriched only after the store has its copy, so what is stored is what the sender sent.
            var changed = enricher.Enrich(mapped.LlmSpans);
            forwarder.Enqueue(OtlpSignal.Traces, !changed && !redacted && receivedProtobuf is not null ? receivedProtobuf() : request.ToByteArray());
        }

        return new TraceIngestResult(TraceIngestOutcome.Accepted, mapped.Rejected,
            mapped.Rejected > 0 ? "Spans need a 16-byte trace_id and an 8-byte span_id." : null);
    }
}
