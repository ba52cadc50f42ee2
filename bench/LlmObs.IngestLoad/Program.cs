// OTLP/HTTP protobuf ingest load for LlmObs.Server: sustained spans/s and request latency percentiles.
//
//   dotnet run -c Release --project bench/LlmObs.IngestLoad -- --engine duckdb [--seconds 20] [--senders 8] [--spans 200]
//   dotnet run -c Release --project bench/LlmObs.IngestLoad -- --engine postgres --postgres "Host=…;Database=…"
//   dotnet run -c Release --project bench/LlmObs.IngestLoad -- --url http://127.0.0.1:5000      (a server you started)
//
// Without --url it starts src/LlmObs.Server/bin/Release/net10.0/LlmObs.Server.dll (build it first) on a temp data directory.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Google.Protobuf;
using LlmObs.IngestLoad;

var options = Args.Parse(args);
var seconds = options.Int("seconds", 20);
var warmup = options.Int("warmup", 3);
var senders = options.Int("senders", 8);
var spansPerRequest = options.Int("spans", 200);
var engine = options.Get("engine") ?? "duckdb";

string? dataDirectory = null;
Process? server = null;
var url = options.Get("url");
if (url is null)
{
    dataDirectory = Directory.CreateTempSubdirectory("llmobs-ingestload-").FullName;
    (server, url) = await ServerLauncher.StartAsync(engine, dataDirectory, options.Get("postgres"));
}

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = senders * 2 }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
var latencies = new List<double>[senders];
var windows = new long[seconds + warmup + 2];
long spansAcknowledged = 0, rejected = 0, payloadBytes = 0;
var stopwatch = Stopwatch.StartNew();
var end = TimeSpan.FromSeconds(warmup + seconds);

await Task.WhenAll(Enumerable.Range(0, senders).Select(sender => Task.Run(async () =>
{
    var factory = new LlmSpanFactory(sender);
    var templates = Enumerable.Range(0, 8).Select(_ => factory.Request(spansPerRequest)).ToList();
    var mine = latencies[sender] = [];
    var i = 0;
    while (stopwatch.Elapsed < end)
    {
        var (request, spans) = templates[i++ % templates.Count];
        factory.Refresh(request);
        var body = request.ToByteArray();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        var started = stopwatch.Elapsed;
        using var response = await http.PostAsync("/v1/traces", content);
        var finished = stopwatch.Elapsed;
        if (!response.IsSuccessStatusCode)
        {
            Interlocked.Increment(ref rejected);
            await Task.Delay(100);
            continue;
        }

        if (started.TotalSeconds >= warmup)
        {
            mine.Add((finished - started).TotalMilliseconds);
            Interlocked.Add(ref spansAcknowledged, spans);
            Interlocked.Add(ref payloadBytes, body.Length);
            Interlocked.Add(ref windows[(int)finished.TotalSeconds], spans);
        }
    }
})));

var measured = stopwatch.Elapsed.TotalSeconds - warmup;
var all = latencies.SelectMany(l => l).Order().ToList();
double Percentile(double p) => all.Count == 0 ? double.NaN : all[Math.Min(all.Count - 1, (int)Math.Ceiling(p * all.Count) - 1)];

var culture = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(culture, $"engine={engine} senders={senders} spans/request={spansPerRequest} measured={measured:F1}s"));
Console.WriteLine(string.Create(culture, $"spans/s={spansAcknowledged / measured:F0} requests={all.Count} rejected(non-2xx)={rejected} avg-request-bytes={(all.Count == 0 ? 0 : payloadBytes / all.Count)}"));
Console.WriteLine(string.Create(culture, $"latency ms: p50={Percentile(0.50):F1} p90={Percentile(0.90):F1} p99={Percentile(0.99):F1} max={(all.Count == 0 ? 0 : all[^1]):F1}"));
Console.WriteLine("spans/s per second: " + string.Join(" ", windows.Skip(warmup + 1).Take(seconds - 1).Select(w => w.ToString(culture))));

if (server is not null)
{
    server.Kill(entireProcessTree: true);
    await server.WaitForExitAsync();
    if (engine == "duckdb" && dataDirectory is not null)
    {
        var bytes = new DirectoryInfo(dataDirectory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Console.WriteLine(string.Create(culture, $"duckdb files={bytes / 1048576.0:F1} MiB, {bytes / Math.Max(1.0, spansAcknowledged):F0} bytes/span (incl. warm-up spans' share; content included)"));
    }

    if (dataDirectory is not null)
    {
        Directory.Delete(dataDirectory, recursive: true);
    }
}
