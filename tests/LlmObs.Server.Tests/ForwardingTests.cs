using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using LlmObs.Server.Tests.Infrastructure;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests;

/// <summary>
/// The gateway role: everything a server receives is copied to the downstream OTLP endpoint. The downstream here
/// is a second, real LlmObs server on Kestrel, so what arrives is checked by reading it back from its own API.
/// </summary>
public sealed class ForwardingTests : IAsyncDisposable
{
    private static readonly TimeSpan ForwardingWait = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _upstreamData = new();
    private readonly TempDirectory _downstreamData = new();
    private readonly List<LlmObsServer> _servers = [];

    [Fact]
    public async Task Spans_sent_to_the_gateway_reach_the_downstream_server_over_http_protobuf()
    {
        var downstream = Track(LlmObsServer.StartOnKestrel(_downstreamData.Path));
        var gateway = Track(LlmObsServer.StartInMemory(_upstreamData.Path, new Dictionary<string, string?>
        {
            ["LlmObs:Forward:Endpoint"] = downstream.BaseAddress.AbsoluteUri,
            ["LlmObs:Forward:Protocol"] = "http/protobuf",
        }));
        var traceId = NewTraceId();
        var rootId = NewSpanId();
        var request = Request("rag",
            Span(traceId, rootId, "POST /ask"),
            Span(traceId, NewSpanId(), "chat gpt-4o-mini", rootId,
                Attribute("gen_ai.operation.name", "chat"),
                Attribute("gen_ai.provider.name", "openai"),
                Attribute("gen_ai.response.model", "gpt-4o-mini"),
                Attribute("gen_ai.usage.input_tokens", 1000),
                Attribute("gen_ai.usage.output_tokens", 100)));

        // Sent compressed: the gateway forwards what it decoded, the downstream must still read it.
        using var response = await gateway.PostAsync("/v1/traces", Gzip(request.ToByteArray()), contentEncoding: "gzip");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var forwarded = await Poll.UntilAsync(() => downstream.FindTraceAsync(Hex(traceId)), ForwardingWait);
        Assert.NotNull(forwarded);
        Assert.Equal(["POST /ask", "chat gpt-4o-mini"], forwarded.Spans.Select(s => s.Name).Order().Reverse());
        var chat = forwarded.Span("chat gpt-4o-mini");
        Assert.Equal(Hex(rootId), chat.ParentSpanId);
        Assert.Equal("rag", chat.ServiceName);
        Assert.Equal(1000, chat.Llm?.InputTokens);

        // The gateway keeps its own copy too.
        Assert.Equal(2, (await gateway.GetTraceAsync(Hex(traceId))).Spans.Count);
    }

    [Fact]
    public async Task Export_is_acknowledged_and_stored_while_the_forward_target_is_down()
    {
        var gateway = Track(LlmObsServer.StartInMemory(_upstreamData.Path, new Dictionary<string, string?>
        {
            ["LlmObs:Forward:Endpoint"] = $"http://127.0.0.1:{UnusedPort()}",
            ["LlmObs:Forward:Protocol"] = "http/protobuf",
        }));
        var traceId = NewTraceId();

        using var response = await gateway.PostTracesAsync(Request("rag", Span(traceId, NewSpanId(), "POST /ask")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("POST /ask", Assert.Single((await gateway.GetTraceAsync(Hex(traceId))).Spans).Name);
    }

    [Fact]
    public async Task Spans_received_as_json_are_forwarded_and_read_by_the_downstream()
    {
        var downstream = Track(LlmObsServer.StartOnKestrel(_downstreamData.Path));
        var gateway = Track(LlmObsServer.StartInMemory(_upstreamData.Path, new Dictionary<string, string?>
        {
            ["LlmObs:Forward:Endpoint"] = downstream.BaseAddress.AbsoluteUri,
            ["LlmObs:Forward:Protocol"] = "http/protobuf",
        }));
        var traceId = Hex(NewTraceId());

        using var response = await gateway.PostJsonAsync("/v1/traces", OtlpJsonRequests.Traces("js-svc", traceId, Hex(NewSpanId()), "POST /chat"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var forwarded = await Poll.UntilAsync(() => downstream.FindTraceAsync(traceId), ForwardingWait);
        Assert.NotNull(forwarded);
        Assert.Equal("js-svc", Assert.Single(forwarded.Spans).ServiceName);
    }

    [Fact]
    public async Task Forwarding_over_http_json_sends_otlp_json_the_downstream_reads()
    {
        var downstream = Track(LlmObsServer.StartOnKestrel(_downstreamData.Path));
        var gateway = Track(LlmObsServer.StartInMemory(_upstreamData.Path, new Dictionary<string, string?>
        {
            ["LlmObs:Forward:Endpoint"] = downstream.BaseAddress.AbsoluteUri,
            ["LlmObs:Forward:Protocol"] = "http/json",
        }));
        var traceId = NewTraceId();
        var rootId = NewSpanId();

        using var response = await gateway.PostTracesAsync(Request("rag", Span(traceId, rootId, "POST /ask"), Span(traceId, NewSpanId(), "child", rootId)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The downstream parses hex ids from the JSON: the parent link survives only if they were written as hex.
        var forwarded = await Poll.UntilAsync(() => downstream.FindTraceAsync(Hex(traceId)), ForwardingWait);
        Assert.NotNull(forwarded);
        Assert.Equal(Hex(rootId), forwarded.Span("child").ParentSpanId);
    }

    [Fact]
    public void A_forward_protocol_that_is_not_otlp_stops_the_server_with_the_reason()
    {
        var log = new RecordingLoggerProvider();

        Assert.ThrowsAny<Exception>(() =>
        {
            var server = Track(LlmObsServer.StartInMemory(_upstreamData.Path, new Dictionary<string, string?>
            {
                ["LlmObs:Forward:Endpoint"] = "http://127.0.0.1:4318",
                ["LlmObs:Forward:Protocol"] = "http/protobuff",
            }, services => services.AddSingleton<ILoggerProvider>(log)));
            _ = server.Client; // the in-memory host starts on first use
        });

        // The reason as the operator reads it, in the host's log. The exception the test host throws does not always
        // carry it: when the app fails to start, WebApplicationFactory's deferred host may reach the app's disposed
        // service provider first and throw an ObjectDisposedException instead (seen twice in full parallel runs).
        var reasons = log.Entries.Where(e => e.StartsWith("Error", StringComparison.Ordinal) && e.Contains("http/protobuff", StringComparison.Ordinal));
        Assert.True(reasons.Any(), string.Join(Environment.NewLine, log.Entries));
    }

    [Fact]
    public async Task Spans_sent_to_the_gateway_reach_the_downstream_server_over_grpc()
    {
        var grpcPort = LlmObsServer.FreePort();
        var downstream = Track(LlmObsServer.StartOnKestrelWithUrls(_downstreamData.Path, "http://127.0.0.1:0",
            new Dictionary<string, string?> { ["LlmObs:GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        var gateway = Track(LlmObsServer.StartInMemory(_upstreamData.Path, new Dictionary<string, string?>
        {
            ["LlmObs:Forward:Endpoint"] = $"http://127.0.0.1:{grpcPort}",
            ["LlmObs:Forward:Protocol"] = "grpc",
        }));
        var traceId = NewTraceId();

        using var response = await gateway.PostTracesAsync(Request("rag", Span(traceId, NewSpanId(), "POST /ask")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var forwarded = await Poll.UntilAsync(() => downstream.FindTraceAsync(Hex(traceId)), ForwardingWait);
        Assert.NotNull(forwarded);
        Assert.Equal("POST /ask", Assert.Single(forwarded.Spans).Name);
    }

    private LlmObsServer Track(LlmObsServer server)
    {
        _servers.Add(server);
        return server;
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        // The gateway first, so it stops forwarding before the downstream goes away.
        foreach (var server in Enumerable.Reverse(_servers))
        {
            await server.DisposeAsync();
        }

        _upstreamData.Dispose();
        _downstreamData.Dispose();
    }
}
