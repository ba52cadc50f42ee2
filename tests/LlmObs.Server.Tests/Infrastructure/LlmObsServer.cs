using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace LlmObs.Server.Tests.Infrastructure;

/// <summary>
/// A real LlmObs server (the whole ASP.NET pipeline and a DuckDB file) on a data directory the test owns,
/// with the few calls the tests make against it. Disposing it stops the host, as a shutdown would.
/// </summary>
public sealed class LlmObsServer : IAsyncDisposable
{
    public const string ProtobufContentType = "application/x-protobuf";
    public const string JsonContentType = "application/json";

    private readonly Factory _factory;

    private LlmObsServer(Factory factory, HttpClient client)
    {
        _factory = factory;
        Client = client;
    }

    /// <summary>Talks to the server: in memory for a test server, over loopback TCP for Kestrel.</summary>
    public HttpClient Client { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    /// <summary>Starts a server in memory (TestServer); nothing outside the process can reach it.</summary>
    public static LlmObsServer StartInMemory(
        string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var factory = new Factory(dataDirectory, settings, services);
        return new LlmObsServer(factory, factory.CreateClient());
    }

    /// <summary>Starts a server on Kestrel at a free loopback port, so other servers can send to it.</summary>
    public static LlmObsServer StartOnKestrel(string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = new Factory(dataDirectory, settings);
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new LlmObsServer(factory, new HttpClient { BaseAddress = new Uri(address) });
    }

    /// <summary>
    /// Starts a server on Kestrel as deployed: its HTTP address from <c>urls</c> (as <c>ASPNETCORE_URLS</c> sets it) and
    /// its own settings (e.g. a gRPC port); every bound address is in <see cref="Addresses"/>.
    /// </summary>
    public static LlmObsServer StartOnKestrelWithUrls(
        string dataDirectory, string urls, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["urls"] = urls };
        var factory = new Factory(dataDirectory, all, services);
        factory.UseKestrel();
        factory.StartServer();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var http = addresses.First(a => all.GetValueOrDefault("LlmObs:GrpcPort") is not { } grpc || !a.EndsWith(":" + grpc, StringComparison.Ordinal));
        return new LlmObsServer(factory, new HttpClient { BaseAddress = new Uri(http) });
    }

    /// <summary>A loopback port nothing listens on now (it may be taken again by the time it is used; tests accept that).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The server's services, for tests that reach inside (counters, configured options).</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>Every address Kestrel bound; empty for an in-memory server.</summary>
    public IReadOnlyList<string> Addresses =>
        _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>An HttpClient for an OpenTelemetry exporter, answering through <paramref name="recorder"/>'s log.</summary>
    public HttpClient CreateExporterClient(out RecordingHandler recorder)
    {
        recorder = new RecordingHandler(_factory.Server.CreateHandler());
        return new HttpClient(recorder) { BaseAddress = BaseAddress };
    }

    public Task<HttpResponseMessage> PostTracesAsync(ExportTraceServiceRequest request) =>
        PostAsync("/v1/traces", request.ToByteArray());

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, IReadOnlyDictionary<string, string>? headers = null) =>
        PostAsync(path, System.Text.Encoding.UTF8.GetBytes(json), JsonContentType, headers: headers);

    public async Task<HttpResponseMessage> PostAsync(
        string path, byte[] body, string contentType = ProtobufContentType, string? contentEncoding = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary><c>GET /api/traces?service=…</c>.</summary>
    public async Task<IReadOnlyList<ApiTraceSummary>> ListTracesAsync(string service)
    {
        var list = await Client.GetFromJsonAsync<ApiTraceList>($"/api/traces?service={Uri.EscapeDataString(service)}", TestContext.Current.CancellationToken);
        return list!.Items;
    }

    /// <summary><c>GET /api/traces/{traceId}</c>; fails the test unless the trace is there.</summary>
    public async Task<ApiTrace> GetTraceAsync(string traceId) =>
        await FindTraceAsync(traceId) ?? throw new Xunit.Sdk.XunitException($"Trace {traceId} is not stored.");

    /// <summary><c>GET /api/traces/{traceId}</c>, or null on 404.</summary>
    public async Task<ApiTrace?> FindTraceAsync(string traceId)
    {
        using var response = await Client.GetAsync($"/api/traces/{traceId}", TestContext.Current.CancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<ApiTrace>(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }

    private sealed class Factory(string dataDirectory, IReadOnlyDictionary<string, string?>? settings, Action<IServiceCollection>? services = null)
        : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            if (services is not null)
            {
                builder.ConfigureTestServices(services);
            }

            builder.UseSetting("LlmObs:DataDirectory", dataDirectory);
            builder.UseSetting("Logging:LogLevel:Default", "Warning"); // keep failures' output to what went wrong
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
