using Google.Protobuf;

namespace LlmObs.Server.Otlp.Http;

/// <summary>Writes OTLP/HTTP answers in the request's encoding: export responses and <c>google.rpc.Status</c> error bodies.</summary>
internal static class OtlpHttpResponses
{
    public static async Task WriteMessageAsync(HttpContext context, OtlpEncoding encoding, IMessage message)
    {
        context.Response.ContentType = OtlpMediaType.Of(encoding);
        await context.Response.Body.WriteAsync(OtlpCodec.Encode(message, encoding));
    }

    public static async Task WriteStatusAsync(HttpContext context, OtlpEncoding encoding, int httpStatus, RpcCode code, string message, TimeSpan? retryAfter = null)
    {
        context.Response.StatusCode = httpStatus;
        if (retryAfter is { } delay)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await WriteMessageAsync(context, encoding, new Google.Rpc.Status { Code = (int)code, Message = message });
    }
}

/// <summary>The google.rpc.Code values OTLP error bodies use.</summary>
internal enum RpcCode
{
    InvalidArgument = 3,
    ResourceExhausted = 8,
    Unauthenticated = 16,
    Unavailable = 14,
}
