using Grpc.Core;
using Grpc.Net.Client;
using LlmObs.Server.Otlp;

namespace LlmObs.Server.Forwarding;

/// <summary>
/// OTLP/gRPC without re-encoding: the request bytes we received are the message we send,
/// so forwarding costs no parse or serialise.
/// </summary>
internal sealed class GrpcOtlpTransport : IOtlpTransport
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);

    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private readonly Metadata _headers = [];
    private readonly Dictionary<OtlpSignal, Method<byte[], byte[]>> _methods = [];

    public GrpcOtlpTransport(Uri endpoint, IEnumerable<KeyValuePair<string, string>> headers)
    {
        _channel = GrpcChannel.ForAddress(endpoint);
        _invoker = _channel.CreateCallInvoker();
        foreach (var (key, value) in headers)
        {
            _headers.Add(key.ToLowerInvariant(), value);
        }

        foreach (var signal in OtlpSignal.All)
        {
            _methods[signal] = new Method<byte[], byte[]>(MethodType.Unary, signal.GrpcService, "Export", Raw, Raw);
        }
    }

    public async Task SendAsync(OtlpSignal signal, byte[] protobuf, CancellationToken cancellationToken)
    {
        var options = new CallOptions(_headers, DateTime.UtcNow.AddSeconds(10), cancellationToken);
        await _invoker.AsyncUnaryCall(_methods[signal], null, options, protobuf).ResponseAsync.ConfigureAwait(false);
    }

    public void Dispose() => _channel.Dispose();
}
