using System.Net.Http.Headers;
using LlmObs.Server.Otlp;

namespace LlmObs.Server.Forwarding;

/// <summary>
/// OTLP/HTTP, posted to <c>{endpoint}/v1/{signal}</c>, as protobuf (the bytes as queued) or as OTLP/JSON
/// (decoded and re-encoded with hex ids, as the specification spells them).
/// </summary>
internal sealed class HttpOtlpTransport : IOtlpTransport
{
    private readonly HttpClient _client;
    private readonly OtlpEncoding _encoding;
    private readonly MediaTypeHeaderValue _mediaType;

    public HttpOtlpTransport(Uri endpoint, IEnumerable<KeyValuePair<string, string>> headers, OtlpEncoding encoding)
    {
        _encoding = encoding;
        _mediaType = new MediaTypeHeaderValue(OtlpMediaType.Of(encoding));
        var baseAddress = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        _client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        foreach (var (key, value) in headers)
        {
            _client.DefaultRequestHeaders.TryAddWithoutValidation(key, value);
        }
    }

    public async Task SendAsync(OtlpSignal signal, byte[] protobuf, CancellationToken cancellationToken)
    {
        var body = _encoding == OtlpEncoding.Json
            ? OtlpCodec.Encode(signal.Request.Parser.ParseFrom(protobuf), OtlpEncoding.Json)
            : protobuf;
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = _mediaType;
        using var response = await _client.PostAsync(signal.HttpPath, content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public void Dispose() => _client.Dispose();
}
