using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using LlmObs.Server.Tests.Infrastructure;

namespace LlmObs.Server.Tests.Storage.Faults;

[CollectionDefinition(nameof(StoreFaultTests), DisableParallelization = true)]
public sealed class StoreFaultCollection;

/// <summary>
/// "Acknowledged means durable", tested by breaking things: the server killed mid-ingest, PostgreSQL restarted
/// mid-ingest. Alone in their collection: restarting the shared PostgreSQL would fail other tests' queries.
/// </summary>
[Collection(nameof(StoreFaultTests))]
public sealed class StoreFaultTests : IDisposable
{
    private readonly TempDirectory _dataDirectory = new();

    [Fact]
    public async Task Server_killed_during_ingest_has_every_acknowledged_span_after_restart()
    {
        var settings = new Dictionary<string, string> { ["LlmObs:DataDirectory"] = _dataDirectory.Path };
        var server = await ServerProcess.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
        var client = new IngestClient(http, retry: false);
        using var stop = new CancellationTokenSource();

        var ingest = client.RunAsync(senders: 4, stop.Token);
        await WaitUntilAsync(() => client.AcknowledgedRequests >= 100, TimeSpan.FromSeconds(60), () => server.Output);
        server.KillHard(); // while the senders keep sending: requests are in flight and batches mid-transaction
        stop.Cancel();
        await ingest;
        await server.DisposeAsync();

        await using var restarted = await ServerProcess.StartAsync(settings);
        using var reader = new HttpClient { BaseAddress = restarted.Address };
        await AssertAllStoredAsync(reader, client.Acknowledged);
        using var list = await reader.GetAsync("/api/traces?limit=5", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);

        // And it keeps taking spans on the file it recovered.
        var after = new IngestClient(reader, retry: false);
        using var briefly = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await after.RunAsync(senders: 1, briefly.Token);
        Assert.True(after.AcknowledgedRequests > 0, restarted.Output);
        await AssertAllStoredAsync(reader, after.Acknowledged);
    }

    [Fact]
    public async Task PostgreSQL_restarted_during_ingest_loses_no_acknowledged_span_and_clients_retry_through_503()
    {
        var dataDirectory = Environment.GetEnvironmentVariable("LLMOBS_TEST_POSTGRES_DATA");
        await using var database = new PostgresHarness(); // fails in CI / skips locally without LLMOBS_TEST_POSTGRES
        if (string.IsNullOrWhiteSpace(dataDirectory))
        {
            var message = "LLMOBS_TEST_POSTGRES_DATA is not set: run the tests through eng/test.sh, which exports the cluster's data directory.";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(message);
            }

            Assert.Skip(message);
        }

        await using var server = LlmObsServer.StartInMemory(_dataDirectory.Path, new Dictionary<string, string?>
        {
            ["LlmObs:Storage:Provider"] = "postgres",
            ["LlmObs:Storage:ConnectionString"] = database.Options.ConnectionString,
        });
        var client = new IngestClient(server.Client, retry: true);
        using var stop = new CancellationTokenSource();

        var ingest = client.RunAsync(senders: 4, stop.Token);
        await WaitUntilAsync(() => client.AcknowledgedRequests >= 50, TimeSpan.FromSeconds(60), () => "");
        RestartPostgres(dataDirectory!);
        var acknowledgedAtRestart = client.AcknowledgedRequests;
        await WaitUntilAsync(() => client.AcknowledgedRequests >= acknowledgedAtRestart + 50, TimeSpan.FromSeconds(60), () => "");
        stop.Cancel();
        await ingest;

        Assert.True(client.Unavailable > 0, "No client was answered 503 while PostgreSQL restarted.");
        await AssertAllStoredAsync(server.Client, client.Acknowledged);
    }

    /// <summary>Every acknowledged span is served by trace-by-id.</summary>
    private static async Task AssertAllStoredAsync(HttpClient http, IReadOnlyDictionary<string, string[]> acknowledged)
    {
        var missing = new List<string>();
        foreach (var (traceId, spanIds) in acknowledged)
        {
            using var response = await http.GetAsync($"/api/traces/{traceId}", TestContext.Current.CancellationToken);
            var stored = response.StatusCode == HttpStatusCode.NotFound
                ? []
                : (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<ApiTrace>(TestContext.Current.CancellationToken))!.Spans.Select(s => s.SpanId).ToHashSet();
            missing.AddRange(spanIds.Where(id => !stored.Contains(id)).Select(id => $"{traceId}/{id}"));
        }

        Assert.True(acknowledged.Count > 0);
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged spans are missing, e.g. {string.Join(", ", missing.Take(5))}.");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Ingest did not get going within {timeout}.\n{diagnostics()}");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary><c>pg_ctl restart -m fast</c> on the test cluster, as its owner (postgres).</summary>
    private static void RestartPostgres(string dataDirectory)
    {
        var pgCtl = "/usr/lib/postgresql/15/bin/pg_ctl";
        var log = Path.Combine(Path.GetDirectoryName(dataDirectory)!, "log");
        string[] command = [pgCtl, "-D", dataDirectory, "-l", log, "-m", "fast", "-w", "restart"];
        var info = Environment.UserName == "postgres" ? new ProcessStartInfo(command[0])
            : Environment.UserName == "root" ? new ProcessStartInfo("runuser") { ArgumentList = { "-u", "postgres", "--" } }
            : new ProcessStartInfo("sudo") { ArgumentList = { "-n", "runuser", "-u", "postgres", "--" } };
        foreach (var argument in Environment.UserName == "postgres" ? command[1..] : command)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "pg_ctl restart did not finish within 60 s.");
        Assert.Equal(0, process.ExitCode);
    }

    public void Dispose() => _dataDirectory.Dispose();
}
