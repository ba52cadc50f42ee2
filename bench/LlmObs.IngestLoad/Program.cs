// OTLP/HTTP protobuf ingest load for LlmObs.Server, and the same load into the Aspire dashboard as the peer:
// sustained spans/s and request latency percentiles of each, and LlmObs's storage per span.
//
//   dotnet run -c Release --project bench/LlmObs.IngestLoad -- --engine duckdb [--seconds 20] [--senders 8] [--spans 200]
//   dotnet run -c Release --project bench/LlmObs.IngestLoad -- --engine postgres --postgres "Host=…;Database=…"
//   dotnet run -c Release --project bench/LlmObs.IngestLoad -- --url http://127.0.0.1:5000      (a server you started)
//
// Options: --warmup 3 (seconds not counted), --content none (the same spans without prompt, completion or documents:
// storage per span without content), --peer none (skip the Aspire dashboard), --aspire-dashboard <path> (else the
// newest Aspire.Dashboard.Sdk.linux-x64 in the NuGet cache), --server-dll <path> (another server build).
//
// Without --url it starts src/LlmObs.Server/bin/Release/net10.0/LlmObs.Server.dll (build it first) on a temp data directory.
using System.Diagnostics;
using System.Globalization;
using LlmObs.IngestLoad;

var options = Args.Parse(args);
var load = new LoadSettings(
    Seconds: options.Int("seconds", 20),
    Warmup: options.Int("warmup", 3),
    Senders: options.Int("senders", 8),
    SpansPerRequest: options.Int("spans", 200),
    Content: !string.Equals(options.Get("content"), "none", StringComparison.OrdinalIgnoreCase));
var engine = options.Get("engine") ?? "duckdb";
var postgres = options.Get("postgres");
var culture = CultureInfo.InvariantCulture;
var rows = new List<(string Target, LoadResult Result)>();

Console.WriteLine(string.Create(culture,
    $"senders={load.Senders} spans/request={load.SpansPerRequest} warm-up={load.Warmup}s measured={load.Seconds}s content={(load.Content ? "yes" : "none")} cores={Environment.ProcessorCount}"));

if (options.Get("url") is { } url)
{
    rows.Add(("url", await LoadRunner.RunAsync(url, load)));
}
else
{
    var dataDirectory = Directory.CreateTempSubdirectory("llmobs-ingestload-").FullName;
    try
    {
        var before = engine == "postgres" && postgres is not null ? await StoreSize.PostgresAsync(postgres) : null;
        var (server, serverUrl) = await ServerLauncher.StartAsync(engine, dataDirectory, postgres, options.Get("server-dll"));
        LoadResult result;
        try
        {
            result = await LoadRunner.RunAsync(serverUrl, load, server);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }

        rows.Add(($"LlmObs ({engine})", result));
        if (engine == "duckdb")
        {
            var (spans, bytes, contentRows) = StoreSize.DuckDb(dataDirectory);
            Console.WriteLine(string.Create(culture,
                $"storage: duckdb file {bytes / 1048576.0:F1} MiB after CHECKPOINT for {spans} spans = {bytes / Math.Max(1.0, spans):F0} bytes/span ({contentRows} content rows; content {(load.Content ? "included" : "none sent")})"));
        }
        else if (before is not null)
        {
            var size = await StoreSize.PostgresAsync(postgres!) - before;
            Console.WriteLine(string.Create(culture,
                $"storage: postgres spans partitions +{size.SpanBytes / 1048576.0:F1} MiB for +{size.Spans} spans = {size.SpanBytes / Math.Max(1.0, size.Spans):F0} bytes/span (heap, TOAST, indexes); content +{size.ContentBytes / 1048576.0:F1} MiB in +{size.ContentRows} rows"));
        }
    }
    finally
    {
        Directory.Delete(dataDirectory, recursive: true);
    }

    if (!string.Equals(options.Get("peer"), "none", StringComparison.OrdinalIgnoreCase))
    {
        if (AspireDashboardLauncher.Find(options.Get("aspire-dashboard")) is not { } executable)
        {
            Console.WriteLine("peer: no Aspire dashboard found (restore Aspire.Dashboard.Sdk.linux-x64, or pass --aspire-dashboard <path>); skipped.");
        }
        else
        {
            var (dashboard, otlpUrl) = await AspireDashboardLauncher.StartAsync(executable);
            try
            {
                rows.Add(("Aspire dashboard", await LoadRunner.RunAsync(otlpUrl, load)));
            }
            finally
            {
                dashboard.Kill(entireProcessTree: true);
                await dashboard.WaitForExitAsync();
            }
        }
    }
}

Console.WriteLine();
Console.WriteLine("| target | spans/s | requests | non-2xx | request p50 ms | p90 ms | p99 ms | max ms | server CPU µs/span | load avg (1 min) before → after |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
foreach (var (target, r) in rows)
{
    Console.WriteLine(string.Create(culture,
        $"| {target} | {r.SpansPerSecond:N0} | {r.Requests} | {r.Rejected} | {r.P50:F1} | {r.P90:F1} | {r.P99:F1} | {r.Max:F1} | {(r.ServerCpuMicrosecondsPerSpan is { } cpu ? cpu.ToString("F0", culture) : "–")} | {r.LoadBefore} → {r.LoadAfter} |"));
}

foreach (var (target, r) in rows)
{
    Console.WriteLine(string.Create(culture, $"{target}: {r.RequestBytes} bytes/request; spans/s second by second: {string.Join(" ", r.PerSecond)}"));
}

internal sealed record LoadSettings(int Seconds, int Warmup, int Senders, int SpansPerRequest, bool Content);

internal sealed record LoadResult(
    double SpansPerSecond, int Requests, long Rejected, double P50, double P90, double P99, double Max, long RequestBytes,
    IReadOnlyList<long> PerSecond, string LoadBefore, string LoadAfter, double? ServerCpuMicrosecondsPerSpan = null);

/// <summary>Drives one OTLP/HTTP endpoint with the load: each sender posts its requests back to back.</summary>
internal static class LoadRunner
{
    /// <param name="server">The server process when the loader started it: its CPU time over the measured seconds is reported per span.</param>
    public static async Task<LoadResult> RunAsync(string url, LoadSettings load, Process? server = null)
    {
        // Requests are made and serialised before the clock starts; sending only patches ids and times in place.
        var templates = Enumerable.Range(0, load.Senders)
            .Select(sender =>
            {
                var factory = new LlmSpanFactory(sender, load.Content);
                return Enumerable.Range(0, 8).Select(_ => RequestTemplate.Create(factory.Request(load.SpansPerRequest).Request)).ToArray();
            })
            .ToArray();

        var loadBefore = LoadAverage();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = load.Senders * 2 }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        var latencies = new List<double>[load.Senders];
        var windows = new long[load.Seconds + load.Warmup + 32];
        long spansAcknowledged = 0, rejected = 0, payloadBytes = 0;
        var stopwatch = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(load.Warmup + load.Seconds);

        // The server's CPU (all its threads, user + system) from the end of the warm-up to the end of the run.
        TimeSpan? cpuAtWarmup = null;
        var cpuProbe = server is null ? Task.CompletedTask : Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(load.Warmup));
            server.Refresh();
            cpuAtWarmup = server.TotalProcessorTime;
        });

        await Task.WhenAll(Enumerable.Range(0, load.Senders).Select(sender => Task.Run(async () =>
        {
            var random = new Random(); // unseeded: a second run into the same PostgreSQL database must not repeat the first one's content
            var mine = latencies[sender] = [];
            var i = 0;
            while (stopwatch.Elapsed < end)
            {
                var template = templates[sender][i++ % templates[sender].Length];
                template.Refresh(random);
                using var content = new ByteArrayContent(template.Body);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-protobuf");
                var started = stopwatch.Elapsed;
                HttpResponseMessage response;
                try
                {
                    response = await http.PostAsync("/v1/traces", content);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref rejected);
                    await Task.Delay(100);
                    continue;
                }

                using (response)
                {
                    var finished = stopwatch.Elapsed;
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref rejected);
                        await Task.Delay(100);
                        continue;
                    }

                    if (started.TotalSeconds >= load.Warmup)
                    {
                        mine.Add((finished - started).TotalMilliseconds);
                        Interlocked.Add(ref spansAcknowledged, template.Spans);
                        Interlocked.Add(ref payloadBytes, template.Body.Length);
                        Interlocked.Add(ref windows[Math.Min(windows.Length - 1, (int)finished.TotalSeconds)], template.Spans);
                    }
                }
            }
        })));

        var measured = stopwatch.Elapsed.TotalSeconds - load.Warmup;
        await cpuProbe;
        double? cpuPerSpan = null;
        if (server is not null && cpuAtWarmup is { } startCpu && spansAcknowledged > 0)
        {
            server.Refresh();
            cpuPerSpan = (server.TotalProcessorTime - startCpu).TotalMicroseconds / spansAcknowledged;
        }

        var all = latencies.SelectMany(l => l).Order().ToList();
        double Percentile(double p) => all.Count == 0 ? double.NaN : all[Math.Min(all.Count - 1, (int)Math.Ceiling(p * all.Count) - 1)];
        return new LoadResult(
            spansAcknowledged / measured, all.Count, rejected, Percentile(0.50), Percentile(0.90), Percentile(0.99), all.Count == 0 ? 0 : all[^1],
            all.Count == 0 ? 0 : payloadBytes / all.Count, windows.Skip(load.Warmup + 1).Take(load.Seconds - 1).ToList(), loadBefore, LoadAverage(), cpuPerSpan);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
