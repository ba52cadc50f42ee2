using Grpc.Core;
using Grpc.Core.Interceptors;

namespace LlmObs.Server.Auth;

/// <summary>Applies <see cref="ApiKeyPolicy"/> to OTLP/gRPC calls: UNAUTHENTICATED, which exporters do not retry.</summary>
internal sealed class ApiKeyGrpcInterceptor(ApiKeyPolicy policy) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var path = new PathString("/" + context.Method.TrimStart('/'));
        if (policy.Refusal(path, name => context.RequestHeaders.GetValue(name)) is { } refusal)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, refusal));
        }

        return continuation(request, context);
    }
}
