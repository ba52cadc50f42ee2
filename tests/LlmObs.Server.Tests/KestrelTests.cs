using System.Net;
using Google.Protobuf;
using LlmObs.Server.Tests.Infrastructure;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests;

/// <summary>The size limit as a deployed server (Kestrel, not the in-memory test server) enforces it.</summary>
public sealed class KestrelTests : IAsyncDisposable
{
    private const int MaxRequestBytes = 64 * 1024;

    private readonly TempDirectory _dataDirectory = new();
    private readonly LlmObsServer _server;

    public KestrelTests()
    {
        _server = LlmObsServer.StartOnKestrel(_dataDirectory.Path, new Dictionary<string, string?>
        {
            ["LlmObs:MaxRequestBytes"] = MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    [Fact]
    public async Task Export_over_the_size_limit_is_rejected_with_413_and_a_google_rpc_Status_over_kestrel()
    {
        var traceId = NewTraceId();
        var body = Request("checkout", Span(traceId, NewSpanId(), "huge", null, Attribute("blob", new string('x', 2 * MaxRequestBytes)))).ToByteArray();

        using var response = await _server.PostAsync("/v1/traces", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(LlmObsServer.ProtobufContentType, response.Content.Headers.ContentType?.MediaType);
        var status = Google.Rpc.Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.False(string.IsNullOrWhiteSpace(status.Message));
        Assert.Null(await _server.FindTraceAsync(Hex(traceId)));
    }

    [Fact]
    public async Task Export_under_the_size_limit_is_stored_over_kestrel()
    {
        var traceId = NewTraceId();

        using var response = await _server.PostTracesAsync(Request("checkout", Span(traceId, NewSpanId(), "GET /cart")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("GET /cart", Assert.Single((await _server.GetTraceAsync(Hex(traceId))).Spans).Name);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _dataDirectory.Dispose();
    }
}
