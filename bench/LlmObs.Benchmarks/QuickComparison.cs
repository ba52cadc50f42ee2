using System.Diagnostics;

namespace LlmObs.Benchmarks;

/// <summary>
/// A quick, noise-tolerant A/B of the content-off cases, one response and streamed (<c>dotnet run -c Release --project bench/LlmObs.Benchmarks -- quick</c>):
/// rounds of each case interleaved, the fastest round of each kept (other processes only ever add time), and the
/// bytes allocated per call. For checking a change on a busy machine; BenchmarkDotNet gives the published figures.
/// </summary>
internal static class QuickComparison
{
    public static async Task RunAsync(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 30;
        var calls = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
        var bench = new TracingOverheadBenchmarks();
        bench.Setup();
        try
        {
            // Each case with the case it is compared with; a streamed call (100 chunks) is run a tenth as often.
            (string Name, Func<Task> Call, int Baseline, int Calls)[] cases =
            [
                ("OpenTelemetryOnly", bench.OpenTelemetryOnly, 0, calls),
                ("LlmTracing_ContentOff", bench.LlmTracing_ContentOff, 0, calls),
                ("Streaming_OpenTelemetryOnly", bench.Streaming_OpenTelemetryOnly, 2, calls / 10),
                ("Streaming_LlmTracing_ContentOff", bench.Streaming_LlmTracing_ContentOff, 2, calls / 10),
            ];
            var best = new double[cases.Length];
            var bytes = new double[cases.Length];
            Array.Fill(best, double.MaxValue);
            for (var round = 0; round < rounds; round++)
            {
                for (var c = 0; c < cases.Length; c++)
                {
                    var (_, call, _, n) = cases[c];
                    var allocated = GC.GetAllocatedBytesForCurrentThread();
                    var watch = Stopwatch.StartNew();
                    for (var i = 0; i < n; i++)
                    {
                        await call().ConfigureAwait(false);
                    }

                    watch.Stop();
                    best[c] = Math.Min(best[c], watch.Elapsed.TotalNanoseconds / n);
                    bytes[c] = (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / n;
                }
            }

            for (var c = 0; c < cases.Length; c++)
            {
                var b = cases[c].Baseline;
                Console.WriteLine($"{cases[c].Name,-32} {best[c],8:F0} ns  {best[c] / best[b],5:F2}x  {bytes[c],6:F0} B  (+{bytes[c] - bytes[b]:F0} B)");
            }
        }
        finally
        {
            bench.Cleanup();
        }
    }
}
