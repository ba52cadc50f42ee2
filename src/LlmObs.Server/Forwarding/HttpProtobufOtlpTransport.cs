using System.Net.Http.Headers;

namespace LlmObs.Server.Forwarding;

/// <summary>OTLP/HTTP with protobuf bodies, posted to <c>{endpoint}/v1/{signal}</c>.</summary>
internal sealed class HttpProtobufOtlpTransport : IOtlpTransport
{
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");

    private readonly HttpClient _client;

    public HttpProtobufOtlpTransport(Uri endpoint, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var baseAddress = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        _client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        foreach (var (key, value) in headers)
        {
            _client.DefaultRequestHeaders.TryAddWithoutValidation(key, value);
        }
    }

    public async Task SendAsync(OtlpSignal signal, byte[] protobuf, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(protobuf);
        content.Headers.ContentType = Protobuf;
        using var response = await _client.PostAsync(signal.HttpPath, content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public void Dispose() => _client.Dispose();
}
