using System.IO.Compression;
using Google.Protobuf;
using LlmObs.Server.Forwarding;
using LlmObs.Server.Ingest;
using LlmObs.Server.Storage;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace LlmObs.Server.Otlp;

/// <summary>
/// OTLP/HTTP receiver: <c>/v1/traces</c> is stored (and forwarded), <c>/v1/logs</c> and <c>/v1/metrics</c>
/// are forwarded so the Aspire dashboard keeps every signal while LlmObs sits in front of it.
/// </summary>
internal static class OtlpHttpEndpoints
{
    private const string ProtobufContentType = "application/x-protobuf";

    public static IEndpointRouteBuilder MapOtlpHttp(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/traces", ReceiveTracesAsync);
        app.MapPost("/v1/logs", (HttpContext context, OtlpForwarder forwarder, IOptions<LlmObsServerOptions> options) =>
            ForwardOnlyAsync(context, OtlpSignal.Logs, forwarder, options.Value));
        app.MapPost("/v1/metrics", (HttpContext context, OtlpForwarder forwarder, IOptions<LlmObsServerOptions> options) =>
            ForwardOnlyAsync(context, OtlpSignal.Metrics, forwarder, options.Value));
        return app;
    }

    private static async Task ReceiveTracesAsync(
        HttpContext context, OtlpSpanMapper mapper, ISpanStore store, OtlpForwarder forwarder, IOptions<LlmObsServerOptions> options)
    {
        var body = await ReadBodyAsync(context, options.Value);
        if (body is null)
        {
            return;
        }

        ExportTraceServiceRequest request;
        try
        {
            request = ExportTraceServiceRequest.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            await WriteStatusAsync(context, StatusCodes.Status400BadRequest, RpcCode.InvalidArgument, $"The body is not a valid OTLP ExportTraceServiceRequest: {ex.Message}");
            return;
        }

        var (spans, rejected) = mapper.Map(request);
        try
        {
            await store.WriteAsync(spans, context.RequestAborted);
        }
        catch (StoreUnavailableException ex)
        {
            context.Response.Headers.RetryAfter = "2";
            await WriteStatusAsync(context, StatusCodes.Status503ServiceUnavailable, RpcCode.Unavailable, ex.Message);
            return;
        }

        forwarder.Enqueue(OtlpSignal.Traces, body);

        var response = new ExportTraceServiceResponse();
        if (rejected > 0)
        {
            response.PartialSuccess = new ExportTracePartialSuccess
            {
                RejectedSpans = rejected,
                ErrorMessage = "Spans need a 16-byte trace_id and an 8-byte span_id.",
            };
        }

        context.Response.ContentType = ProtobufContentType;
        await context.Response.Body.WriteAsync(response.ToByteArray());
    }

    private static async Task ForwardOnlyAsync(HttpContext context, OtlpSignal signal, OtlpForwarder forwarder, LlmObsServerOptions options)
    {
        var body = await ReadBodyAsync(context, options);
        if (body is null)
        {
            return;
        }

        forwarder.Enqueue(signal, body);

        // An empty Export*ServiceResponse encodes as zero bytes in every signal.
        context.Response.ContentType = ProtobufContentType;
    }

    /// <summary>Reads the protobuf body, gunzipping if needed; answers the error itself and returns null on bad input.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context, LlmObsServerOptions options)
    {
        var contentType = context.Request.ContentType ?? "";
        if (!contentType.StartsWith(ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            await WriteStatusAsync(context, StatusCodes.Status415UnsupportedMediaType, RpcCode.InvalidArgument,
                $"Content-Type '{contentType}' is not supported; send {ProtobufContentType}.");
            return null;
        }

        var encoding = context.Request.Headers.ContentEncoding.ToString();
        Stream source = context.Request.Body;
        if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            source = new GZipStream(source, CompressionMode.Decompress);
        }
        else if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            await WriteStatusAsync(context, StatusCodes.Status415UnsupportedMediaType, RpcCode.InvalidArgument, $"Content-Encoding '{encoding}' is not supported.");
            return null;
        }

        await using (source)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            try
            {
                int read;
                while ((read = await source.ReadAsync(chunk, context.RequestAborted)) > 0)
                {
                    // Measured after decompression: a small gzip body can expand without bound.
                    if (buffer.Length + read > options.MaxRequestBytes)
                    {
                        await WriteStatusAsync(context, StatusCodes.Status413PayloadTooLarge, RpcCode.InvalidArgument,
                            $"The request exceeds {options.MaxRequestBytes} bytes after decompression.");
                        return null;
                    }

                    buffer.Write(chunk, 0, read);
                }
            }
            catch (InvalidDataException)
            {
                await WriteStatusAsync(context, StatusCodes.Status400BadRequest, RpcCode.InvalidArgument, "The body is not valid gzip.");
                return null;
            }
            catch (BadHttpRequestException ex)
            {
                // Kestrel enforces the same limit (MaxRequestBodySize) on the bytes as sent; answer it in OTLP's form too.
                var message = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? $"The request exceeds {options.MaxRequestBytes} bytes."
                    : ex.Message;
                await WriteStatusAsync(context, ex.StatusCode, RpcCode.InvalidArgument, message);
                return null;
            }

            return buffer.ToArray();
        }
    }

    private static async Task WriteStatusAsync(HttpContext context, int httpStatus, RpcCode code, string message)
    {
        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = ProtobufContentType;
        await context.Response.Body.WriteAsync(new Google.Rpc.Status { Code = (int)code, Message = message }.ToByteArray());
    }

    /// <summary>The google.rpc.Code values OTLP error bodies use.</summary>
    private enum RpcCode
    {
        InvalidArgument = 3,
        Unavailable = 14,
    }
}
