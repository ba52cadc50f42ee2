using Google.Protobuf;
using LlmObs.Server.Forwarding;
using LlmObs.Server.Ingest;
using LlmObs.Server.Otlp.Http;
using LlmObs.Server.Redaction;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace LlmObs.Server.Otlp;

/// <summary>
/// OTLP/HTTP receiver, protobuf and JSON on one port: <c>/v1/traces</c> is stored (and forwarded), <c>/v1/logs</c> and
/// <c>/v1/metrics</c> are validated and forwarded so the Aspire dashboard keeps every signal while LlmObs sits in front
/// of it. Langfuse's OTLP path takes traces too, for SDKs already pointed at a Langfuse server.
/// </summary>
internal static class OtlpHttpEndpoints
{
    public const string LangfuseTracesPath = "/api/public/otel/v1/traces";

    /// <summary>Phoenix's header naming the project the export belongs to.</summary>
    public const string ProjectHeader = "x-project-name";

    public static IEndpointRouteBuilder MapOtlpHttp(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/traces", ReceiveTracesAsync);
        app.MapPost(LangfuseTracesPath, ReceiveTracesAsync);
        app.MapPost("/v1/logs", context => ReceiveForwardedAsync(context, OtlpSignal.Logs, new ExportLogsServiceResponse()));
        app.MapPost("/v1/metrics", context => ReceiveForwardedAsync(context, OtlpSignal.Metrics, new ExportMetricsServiceResponse()));
        return app;
    }

    private static async Task ReceiveTracesAsync(HttpContext context)
    {
        var services = context.RequestServices;
        using var body = await services.GetRequiredService<OtlpHttpBodyReader>().ReadAsync(context);
        if (body is null || await DecodeAsync(context, OtlpSignal.Traces, body) is not ExportTraceServiceRequest request)
        {
            return;
        }

        var source = new IngestSource(context.Request.Headers[ProjectHeader].FirstOrDefault());
        var result = await services.GetRequiredService<TraceIngestPipeline>().IngestAsync(
            request, body.Encoding == OtlpEncoding.Protobuf ? body.ToArray : null, source, context.RequestAborted);
        if (result.Outcome != TraceIngestOutcome.Accepted)
        {
            // Both are codes OTLP/HTTP exporters retry, after Retry-After: 429 says "slow down", 503 "the store is down".
            var (status, code) = result.Outcome == TraceIngestOutcome.StoreBusy
                ? (StatusCodes.Status429TooManyRequests, RpcCode.ResourceExhausted)
                : (StatusCodes.Status503ServiceUnavailable, RpcCode.Unavailable);
            await OtlpHttpResponses.WriteStatusAsync(context, body.Encoding, status, code,
                result.Message ?? "The store cannot accept spans now; retry later.", TraceIngestResult.RetryAfter);
            return;
        }

        var response = new ExportTraceServiceResponse();
        if (result.RejectedSpans > 0)
        {
            response.PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = result.RejectedSpans, ErrorMessage = result.Message ?? "" };
        }

        await OtlpHttpResponses.WriteMessageAsync(context, body.Encoding, response);
    }

    private static async Task ReceiveForwardedAsync(HttpContext context, OtlpSignal signal, IMessage emptyResponse)
    {
        var services = context.RequestServices;
        using var body = await services.GetRequiredService<OtlpHttpBodyReader>().ReadAsync(context);
        if (body is null || await DecodeAsync(context, signal, body) is not { } request)
        {
            return;
        }

        // Downstream always gets protobuf: the bytes as sent when they were protobuf, re-encoded when they were JSON
        // or when LlmObs:Redaction changed content sent as GenAI log events.
        var forwarder = services.GetRequiredService<OtlpForwarder>();
        if (forwarder.Enabled)
        {
            var redacted = request is ExportLogsServiceRequest logs && services.GetRequiredService<IngestRedactor>().Redact(logs);
            forwarder.Enqueue(signal, body.Encoding == OtlpEncoding.Protobuf && !redacted ? body.ToArray() : request.ToByteArray());
        }

        await OtlpHttpResponses.WriteMessageAsync(context, body.Encoding, emptyResponse);
    }

    private static async Task<IMessage?> DecodeAsync(HttpContext context, OtlpSignal signal, OtlpHttpBody body)
    {
        try
        {
            return OtlpCodec.Decode(signal, body.Memory, body.Encoding);
        }
        catch (OtlpDecodeException ex)
        {
            await OtlpHttpResponses.WriteStatusAsync(context, body.Encoding, StatusCodes.Status400BadRequest, RpcCode.InvalidArgument, ex.Message);
            return null;
        }
    }
}
