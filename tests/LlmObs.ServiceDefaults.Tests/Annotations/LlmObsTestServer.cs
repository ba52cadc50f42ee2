using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObs.ServiceDefaults.Tests.Annotations;

/// <summary>
/// A real LlmObs server (DuckDB in a temp directory) on a loopback port, so clients reach it the way a service
/// does: over HTTP, by a configured or discovered address.
/// </summary>
public sealed class LlmObsTestServer : IAsyncDisposable
{
    private readonly Factory _factory;
    private readonly string _directory;

    private LlmObsTestServer(Factory factory, string directory, Uri address)
    {
        _factory = factory;
        _directory = directory;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    /// <param name="apiKey">When given, the server requires it (<c>LlmObs:ApiKey</c>).</param>
    public static LlmObsTestServer Start(string? apiKey = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "llmobs-sd-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var factory = new Factory(directory, apiKey);
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new LlmObsTestServer(factory, directory, new Uri(address));
    }

    /// <summary>Stores spans through the real OTLP/JSON receiver (acknowledged once durable).</summary>
    public async Task SendAsync(params TestSpan[] spans)
    {
        var body = new JsonObject
        {
            ["resourceSpans"] = new JsonArray(spans.GroupBy(s => s.Service).Select(group => (JsonNode)new JsonObject
            {
                ["resource"] = new JsonObject { ["attributes"] = new JsonArray(Attribute("service.name", group.Key)) },
                ["scopeSpans"] = new JsonArray(new JsonObject
                {
                    ["scope"] = new JsonObject { ["name"] = "tests" },
                    ["spans"] = new JsonArray(group.Select(s => (JsonNode)s.ToJson()).ToArray()),
                }),
            }).ToArray()),
        };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync("/v1/traces", content, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    internal static JsonObject Attribute(string key, object value) => new()
    {
        ["key"] = key,
        ["value"] = value switch
        {
            string s => new JsonObject { ["stringValue"] = s },
            int or long => new JsonObject { ["intValue"] = Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture) },
            double d => new JsonObject { ["doubleValue"] = d },
            _ => throw new ArgumentException($"Unsupported attribute value {value.GetType()}"),
        },
    };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class Factory(string directory, string? apiKey) : WebApplicationFactory<LlmObs.Server.LlmObsServerOptions>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("LlmObs:DataDirectory", directory);
            if (apiKey is not null)
            {
                builder.UseSetting("LlmObs:ApiKey", apiKey);
            }

            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }
}

/// <summary>A span to store, with its attributes.</summary>
public sealed record TestSpan(string TraceId, string SpanId, string? ParentSpanId, string Name, DateTime Start, string Service = "rag")
{
    public Dictionary<string, object> Attributes { get; init; } = [];

    public int Kind { get; init; } = 1;

    public static string NewTraceId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    public static string NewSpanId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8]);

    public JsonObject ToJson()
    {
        var start = (ulong)(Start - DateTime.UnixEpoch).Ticks * 100;
        return new JsonObject
        {
            ["traceId"] = TraceId,
            ["spanId"] = SpanId,
            ["parentSpanId"] = ParentSpanId ?? "",
            ["name"] = Name,
            ["kind"] = Kind,
            ["startTimeUnixNano"] = start.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["endTimeUnixNano"] = (start + 50_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["attributes"] = new JsonArray(Attributes.Select(a => (JsonNode)LlmObsTestServer.Attribute(a.Key, a.Value)).ToArray()),
            ["status"] = new JsonObject { ["code"] = 1 },
        };
    }
}
