namespace LlmObs.Server.Tests.Infrastructure;

/// <summary>
/// Sits between an OpenTelemetry exporter and the test server and remembers every answer, so a test can
/// check what the server told the exporter (the exporter itself only logs failures).
/// </summary>
public sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly List<RecordedExchange> _exchanges = [];

    public IReadOnlyList<RecordedExchange> Exchanges
    {
        get
        {
            lock (_exchanges)
            {
                return [.. _exchanges];
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        lock (_exchanges)
        {
            _exchanges.Add(new RecordedExchange(
                request.RequestUri!.AbsolutePath,
                request.Content?.Headers.ContentType?.MediaType,
                (int)response.StatusCode,
                response.Content.Headers.ContentType?.MediaType));
        }

        return response;
    }

    // The OTLP exporter sends synchronously; the test server's handler only implements SendAsync.
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();
}

public sealed record RecordedExchange(string Path, string? RequestContentType, int StatusCode, string? ResponseContentType);
