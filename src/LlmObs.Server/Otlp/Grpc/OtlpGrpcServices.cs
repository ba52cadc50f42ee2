using Google.Protobuf;
using Grpc.Core;
using LlmObs.Server.Forwarding;
using LlmObs.Server.Ingest;
using LlmObs.Server.Redaction;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace LlmObs.Server.Otlp.Grpc;

/// <summary>OTLP/gRPC <c>TraceService.Export</c>: the same pipeline as OTLP/HTTP, answered in gRPC's terms.</summary>
internal sealed class TraceGrpcService(TraceIngestPipeline pipeline) : TraceService.TraceServiceBase
{
    public override async Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
    {
        var source = new IngestSource(context.RequestHeaders.GetValue(OtlpHttpEndpoints.ProjectHeader));

        // The received bytes are not kept by Grpc.AspNetCore, so the forwarded copy is re-serialised.
        var result = await pipeline.IngestAsync(request, null, source, context.CancellationToken);
        if (result.Outcome != TraceIngestOutcome.Accepted)
        {
            // UNAVAILABLE, full queue or not: OTLP exporters retry it with backoff, and RESOURCE_EXHAUSTED only with RetryInfo.
            throw new RpcException(new Status(StatusCode.Unavailable, result.Message ?? "The store cannot accept spans now; retry later."));
        }

        var response = new ExportTraceServiceResponse();
        if (result.RejectedSpans > 0)
        {
            response.PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = result.RejectedSpans, ErrorMessage = result.Message ?? "" };
        }

        return response;
    }
}

/// <summary>OTLP/gRPC <c>LogsService.Export</c>: parsed by gRPC itself (malformed messages never get here), redacted as LlmObs:Redaction says, and forwarded.</summary>
internal sealed class LogsGrpcService(OtlpForwarder forwarder, IngestRedactor redactor) : LogsService.LogsServiceBase
{
    public override Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
    {
        if (forwarder.Enabled)
        {
            redactor.Redact(request);
        }

        ForwardedSignal.Enqueue(forwarder, OtlpSignal.Logs, request);
        return Task.FromResult(new ExportLogsServiceResponse());
    }
}

/// <summary>OTLP/gRPC <c>MetricsService.Export</c>: parsed by gRPC itself and forwarded.</summary>
internal sealed class MetricsGrpcService(OtlpForwarder forwarder) : MetricsService.MetricsServiceBase
{
    public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
    {
        ForwardedSignal.Enqueue(forwarder, OtlpSignal.Metrics, request);
        return Task.FromResult(new ExportMetricsServiceResponse());
    }
}

internal static class ForwardedSignal
{
    public static void Enqueue(OtlpForwarder forwarder, OtlpSignal signal, IMessage request)
    {
        if (forwarder.Enabled)
        {
            forwarder.Enqueue(signal, request.ToByteArray());
        }
    }
}
