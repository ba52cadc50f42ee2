using System.Net;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using LlmObs.Server.Tests.Infrastructure;
using OpenTelemetry.Proto.Collector.Trace.V1;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests;

/// <summary>
/// Who may send and read: with <c>LlmObs:ApiKey</c> set, ingest and query need it (x-api-key or Bearer); a server
/// bound beyond loopback without a key refuses; Langfuse's path takes its own key pair as HTTP Basic; health is open.
/// </summary>
public sealed class AuthTests : IAsyncDisposable
{
    private const string ApiKey = "llmobs-test-key-7f3a";
    private const string LangfusePublicKey = "pk-lf-1234";
    private const string LangfuseSecretKey = "sk-lf-5678";

    private readonly TempDirectory _data = new();
    private readonly List<LlmObsServer> _servers = [];

    [Fact]
    public async Task With_a_key_configured_an_export_without_it_is_refused_401_with_an_unauthenticated_status()
    {
        var server = Start(new() { ["LlmObs:ApiKey"] = ApiKey });
        var traceId = NewTraceId();

        using var response = await server.PostTracesAsync(Request("svc", Span(traceId, NewSpanId(), "GET /")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var status = Google.Rpc.Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(16, status.Code); // UNAUTHENTICATED
        Assert.Contains("x-api-key", status.Message);
        Assert.Null(await FindWithKeyAsync(server, Hex(traceId)));
    }

    [Theory]
    [InlineData("x-api-key", ApiKey)]
    [InlineData("Authorization", "Bearer " + ApiKey)]
    public async Task With_a_key_configured_an_export_carrying_it_is_stored(string header, string value)
    {
        var server = Start(new() { ["LlmObs:ApiKey"] = ApiKey });
        var traceId = NewTraceId();

        using var response = await server.PostAsync("/v1/traces", Request("svc", Span(traceId, NewSpanId(), "GET /")).ToByteArray(),
            headers: new Dictionary<string, string> { [header] = value });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(await FindWithKeyAsync(server, Hex(traceId)));
    }

    [Theory]
    [InlineData("x-api-key", "llmobs-test-key-7f3b")]
    [InlineData("Authorization", "Bearer ")]
    [InlineData("Authorization", "Basic Zm9vOmJhcg==")]
    public async Task A_wrong_key_is_refused(string header, string value)
    {
        var server = Start(new() { ["LlmObs:ApiKey"] = ApiKey });

        using var response = await server.PostAsync("/v1/traces", Request("svc", Span(NewTraceId(), NewSpanId(), "GET /")).ToByteArray(),
            headers: new Dictionary<string, string> { [header] = value });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task With_a_key_configured_the_query_api_needs_it_too_and_health_does_not()
    {
        var server = Start(new() { ["LlmObs:ApiKey"] = ApiKey });

        using var withoutKey = await server.Client.GetAsync("/api/traces", TestContext.Current.CancellationToken);
        using var withKey = await GetWithKeyAsync(server, "/api/traces");
        using var health = await server.Client.GetAsync("/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_json_export_is_refused_in_json()
    {
        var server = Start(new() { ["LlmObs:ApiKey"] = ApiKey });

        using var response = await server.PostJsonAsync("/v1/traces", OtlpJsonRequests.Traces("svc", Hex(NewTraceId()), Hex(NewSpanId()), "GET /"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(LlmObsServer.JsonContentType, response.Content.Headers.ContentType?.MediaType);
        using var status = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(16, status.RootElement.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Without_a_key_a_loopback_server_is_open()
    {
        var server = Track(LlmObsServer.StartOnKestrelWithUrls(_data.Path, "http://127.0.0.1:0"));

        using var response = await server.PostTracesAsync(Request("svc", Span(NewTraceId(), NewSpanId(), "GET /")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_key_a_server_bound_to_every_interface_refuses_ingest_and_query_and_says_why()
    {
        var server = Track(LlmObsServer.StartOnKestrelWithUrls(_data.Path, "http://0.0.0.0:0"));
        using var client = LoopbackClient(server);

        using var ingest = await client.PostAsync("/v1/traces", Protobuf(Request("svc", Span(NewTraceId(), NewSpanId(), "GET /"))), TestContext.Current.CancellationToken);
        using var query = await client.GetAsync("/api/traces", TestContext.Current.CancellationToken);
        using var health = await client.GetAsync("/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, ingest.StatusCode);
        Assert.Contains("LlmObs:ApiKey", Google.Rpc.Status.Parser.ParseFrom(await ingest.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Message);
        Assert.Equal(HttpStatusCode.Unauthorized, query.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_server_bound_to_every_interface_accepts_the_configured_key()
    {
        var server = Track(LlmObsServer.StartOnKestrelWithUrls(_data.Path, "http://0.0.0.0:0", new Dictionary<string, string?> { ["LlmObs:ApiKey"] = ApiKey }));
        using var client = LoopbackClient(server);
        client.DefaultRequestHeaders.Add("x-api-key", ApiKey);

        using var ingest = await client.PostAsync("/v1/traces", Protobuf(Request("svc", Span(NewTraceId(), NewSpanId(), "GET /"))), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, ingest.StatusCode);
    }

    [Fact]
    public async Task Langfuse_path_accepts_its_key_pair_as_basic_auth_and_a_json_body_as_the_langfuse_js_sdk_sends()
    {
        var server = Start(new() { ["LlmObs:Langfuse:PublicKey"] = LangfusePublicKey, ["LlmObs:Langfuse:SecretKey"] = LangfuseSecretKey });
        var traceId = Hex(NewTraceId());

        using var response = await server.PostJsonAsync("/api/public/otel/v1/traces", OtlpJsonRequests.Traces("langfuse-js", traceId, Hex(NewSpanId()), "generation"),
            new Dictionary<string, string> { ["Authorization"] = Basic(LangfusePublicKey, LangfuseSecretKey) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("langfuse-js", Assert.Single((await server.GetTraceAsync(traceId)).Spans).ServiceName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(LangfusePublicKey + ":wrong")]
    [InlineData("pk-lf-other:" + LangfuseSecretKey)]
    public async Task Langfuse_path_refuses_missing_or_wrong_keys_with_401(string? credentials)
    {
        var server = Start(new() { ["LlmObs:Langfuse:PublicKey"] = LangfusePublicKey, ["LlmObs:Langfuse:SecretKey"] = LangfuseSecretKey });
        var headers = credentials is null
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { ["Authorization"] = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)) };

        using var response = await server.PostJsonAsync("/api/public/otel/v1/traces", OtlpJsonRequests.Traces("langfuse-js", Hex(NewTraceId()), Hex(NewSpanId()), "generation"), headers);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_grpc_a_missing_key_is_unauthenticated_and_the_key_in_metadata_is_accepted()
    {
        var grpcPort = LlmObsServer.FreePort();
        Track(LlmObsServer.StartOnKestrelWithUrls(_data.Path, "http://127.0.0.1:0", new Dictionary<string, string?>
        {
            ["LlmObs:ApiKey"] = ApiKey,
            ["LlmObs:GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        var client = new TraceService.TraceServiceClient(channel);
        var request = Request("svc", Span(NewTraceId(), NewSpanId(), "GET /"));

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await client.ExportAsync(request, cancellationToken: TestContext.Current.CancellationToken));
        var accepted = await client.ExportAsync(request, new Metadata { { "x-api-key", ApiKey } }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Null(accepted.PartialSuccess);
    }

    private LlmObsServer Start(Dictionary<string, string?> settings) => Track(LlmObsServer.StartInMemory(_data.Path, settings));

    private LlmObsServer Track(LlmObsServer server)
    {
        _servers.Add(server);
        return server;
    }

    private static HttpClient LoopbackClient(LlmObsServer server) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{server.BaseAddress.Port}") };

    private static ByteArrayContent Protobuf(ExportTraceServiceRequest request)
    {
        var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(LlmObsServer.ProtobufContentType);
        return content;
    }

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static async Task<HttpResponseMessage> GetWithKeyAsync(LlmObsServer server, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-api-key", ApiKey);
        return await server.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<string?> FindWithKeyAsync(LlmObsServer server, string traceId)
    {
        using var response = await GetWithKeyAsync(server, $"/api/traces/{traceId}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        _data.Dispose();
    }
}
