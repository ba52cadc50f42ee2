using System.Diagnostics;

namespace LlmObs.Benchmarks;

/// <summary>
/// A quick, noise-tolerant A/B of the non-streaming cases (<c>dotnet run -c Release --project bench/LlmObs.Benchmarks -- quick</c>):
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
            (string Name, Func<Task> Call)[] cases =
            [
                ("OpenTelemetryOnly", bench.OpenTelemetryOnly),
                ("LlmTracing_ContentOff", bench.LlmTracing_ContentOff),
            ];
            var best = new double[cases.Length];
            var bytes = new double[cases.Length];
            Array.Fill(best, double.MaxValue);
            for (var round = 0; round < rounds; round++)
            {
                for (var c = 0; c < cases.Length; c++)
                {
                    var call = cases[c].Call;
                    var allocated = GC.GetAllocatedBytesForCurrentThread();
                    var watch = Stopwatch.StartNew();
                    for (var i = 0; i < calls; i++)
                    {
                        await call().ConfigureAwait(false);
                    }

                    watch.Stop();
                    best[c] = Math.Min(best[c], watch.Elapsed.TotalNanoseconds / calls);
                    bytes[c] = (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / calls;
                }
            }

            for (var c = 0; c < cases.Length; c++)
            {
                Console.WriteLine($"{cases[c].Name,-24} {best[c],8:F0} ns  {best[c] / best[0],5:F2}x  {bytes[c],6:F0} B  (+{bytes[c] - bytes[0]:F0} B)");
            }
        }
        finally
        {
            bench.Cleanup();
        }
    }
}
