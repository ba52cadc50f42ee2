using LlmObs.Server.Otlp;
using LlmObs.Server.Otlp.Http;

namespace LlmObs.Server.Auth;

/// <summary>
/// Applies <see cref="ApiKeyPolicy"/> to HTTP requests, answering 401 in the form the caller reads: a
/// <c>google.rpc.Status</c> (UNAUTHENTICATED) for OTLP, problem details for the API. gRPC calls are left to
/// <see cref="ApiKeyGrpcInterceptor"/>, which answers in gRPC status codes.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyPolicy policy)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!ApiKeyPolicy.Protects(request.Path) || request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            await next(context);
            return;
        }

        if (policy.Refusal(request.Path, name => request.Headers[name].FirstOrDefault()) is not { } refusal)
        {
            await next(context);
            return;
        }

        context.Response.Headers.WWWAuthenticate = request.Path.StartsWithSegments(OtlpHttpEndpoints.LangfuseTracesPath)
            ? "Basic realm=\"LlmObs\""
            : "Bearer realm=\"LlmObs\"";
        if (request.Path.StartsWithSegments("/v1") || request.Path.StartsWithSegments(OtlpHttpEndpoints.LangfuseTracesPath))
        {
            var encoding = OtlpMediaType.Parse(request.ContentType) ?? OtlpEncoding.Protobuf;
            await OtlpHttpResponses.WriteStatusAsync(context, encoding, StatusCodes.Status401Unauthorized, RpcCode.Unauthenticated, refusal);
            return;
        }

        await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: refusal).ExecuteAsync(context);
    }
}
