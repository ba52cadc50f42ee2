using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using LlmObs.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Tests.Redaction;

/// <summary>
/// A downstream OTLP/HTTP endpoint on loopback that keeps every trace and logs export's bytes exactly as the gateway sent them:
/// the forwarded copy is checked byte for byte, not through another server's reading of it.
/// </summary>
public sealed class ForwardCapture : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<byte[]> _traces = new();
    private readonly ConcurrentQueue<byte[]> _logs = new();

    private ForwardCapture(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<ForwardCapture> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var capture = new ForwardCapture(app);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            capture._traces.Enqueue(body.ToArray());
            return Results.Bytes(new ExportTraceServiceResponse().ToByteArray(), "application/x-protobuf");
        });
        app.MapPost("/v1/logs", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            capture._logs.Enqueue(body.ToArray());
            return Results.Bytes(new ExportLogsServiceResponse().ToByteArray(), "application/x-protobuf");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        capture.BaseAddress = new Uri(address);
        return capture;
    }

    /// <summary>The forwarded export that holds the span, as sent; null until it arrives.</summary>
    public byte[]? ExportWith(string spanIdHex)
    {
        foreach (var body in _traces)
        {
            if (Spans(body).Any(s => Convert.ToHexStringLower(s.SpanId.Span) == spanIdHex))
            {
                return body;
            }
        }

        return null;
    }

    /// <summary>Waits for the forwarded export that holds the span.</summary>
    public async Task<byte[]> WaitForAsync(string spanIdHex)
    {
        var found = await Poll.UntilAsync(() => Task.FromResult(ExportWith(spanIdHex)), TimeSpan.FromSeconds(10));
        return found ?? throw new Xunit.Sdk.XunitException($"Span {spanIdHex} was not forwarded.");
    }

    /// <summary>Waits for the forwarded logs export whose resource has <c>service.instance.id</c> = <paramref name="instanceId"/>.</summary>
    public async Task<byte[]> WaitForLogsAsync(string instanceId)
    {
        var found = await Poll.UntilAsync(
            () => Task.FromResult(_logs.FirstOrDefault(body => ExportLogsServiceRequest.Parser.ParseFrom(body).ResourceLogs
                .Any(r => r.Resource.Attributes.Any(a => a.Key == "service.instance.id" && a.Value.StringValue == instanceId)))),
            TimeSpan.FromSeconds(10));
        return found ?? throw new Xunit.Sdk.XunitException($"The logs of {instanceId} were not forwarded.");
    }

    public static IEnumerable<Span> Spans(byte[] export) =>
        ExportTraceServiceRequest.Parser.ParseFrom(export).ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
