using LlmObs.Server.Otlp;

namespace LlmObs.Server.Forwarding;

/// <summary>Sends one OTLP protobuf export request downstream; throws when the peer did not accept it.</summary>
internal interface IOtlpTransport : IDisposable
{
    Task SendAsync(OtlpSignal signal, byte[] protobuf, CancellationToken cancellationToken);
}
