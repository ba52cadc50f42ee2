using System.Net;
using Google.Protobuf;
using LlmObs.Server.Storage;
using LlmObs.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests;

/// <summary>
/// Nothing is acknowledged that is not durable: when the store refuses (its write queue is full: 429) or fails (503),
/// the exporter is told to retry later, in the form its protocol understands.
/// </summary>
public sealed class StoreBackpressureTests : IAsyncDisposable
{
    private readonly TempDirectory _data = new();
    private readonly LlmObsServer _server;

    public StoreBackpressureTests()
    {
        _server = LlmObsServer.StartInMemory(_data.Path, services: FaultyStore.Install);
    }

    private FaultyStore Store => _server.Services.GetRequiredService<FaultyStore>();

    [Theory]
    [InlineData(true, HttpStatusCode.TooManyRequests, 8, "The store's write queue is full; retry later.")] // RESOURCE_EXHAUSTED
    [InlineData(false, HttpStatusCode.ServiceUnavailable, 14, "The store could not write the spans.")] // UNAVAILABLE
    public async Task Refused_protobuf_export_is_answered_with_retry_after_and_is_not_stored(bool queueFull, HttpStatusCode expected, int code, string message)
    {
        Store.Failure = queueFull ? new StoreQueueFullException() : new StoreUnavailableException(message);
        var traceId = NewTraceId();

        using var response = await _server.PostTracesAsync(Request("busy", Span(traceId, NewSpanId(), "GET /")));

        Assert.Equal(expected, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"{(int)expected} must say when to retry");
        var status = Google.Rpc.Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(code, status.Code);
        Assert.Equal(message, status.Message);

        Store.Failure = null;
        Assert.Null(await _server.FindTraceAsync(Hex(traceId)));
    }

    [Fact]
    public async Task Refused_json_export_is_answered_with_retry_after_in_json()
    {
        Store.Failure = new StoreQueueFullException();

        using var response = await _server.PostJsonAsync("/v1/traces", OtlpJsonRequests.Traces("busy", Hex(NewTraceId()), Hex(NewSpanId()), "GET /"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(LlmObsServer.JsonContentType, response.Content.Headers.ContentType?.MediaType);
        using var status = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(8, status.RootElement.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task An_unexpected_store_failure_is_a_503_too_never_a_200()
    {
        Store.Failure = new IOException("disk full");

        using var response = await _server.PostTracesAsync(Request("busy", Span(NewTraceId(), NewSpanId(), "GET /")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task The_retried_export_is_stored_once_the_store_recovers()
    {
        var traceId = NewTraceId();
        var body = Request("busy", Span(traceId, NewSpanId(), "GET /retry")).ToByteArray();
        Store.Failure = new StoreQueueFullException();
        using (var refused = await _server.PostAsync("/v1/traces", body))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        Store.Failure = null;
        using var accepted = await _server.PostAsync("/v1/traces", body);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("GET /retry", Assert.Single((await _server.GetTraceAsync(Hex(traceId))).Spans).Name);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }
}
