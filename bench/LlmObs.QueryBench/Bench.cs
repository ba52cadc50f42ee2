using System.Diagnostics;
using System.Globalization;
using System.Text;
using LlmObs.Server.Query;
using LlmObs.Server.Storage;

namespace LlmObs.QueryBench;

internal sealed record Result(string Engine, string Query, int? WindowDays, IReadOnlyList<double> Milliseconds, string Answer)
{
    public bool Failed { get; init; }

    public double Median => Percentile(0.5);

    public double P95 => Percentile(0.95);

    // Nearest rank: with 5 repetitions p95 is the slowest.
    private double Percentile(double p)
    {
        var sorted = Milliseconds.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}

internal static class Bench
{
    /// <summary>Every measured call: its name, and a run that returns a short description of the answer.</summary>
    private static IEnumerable<(string Name, Func<SpanFilter, Task<string>> Run)> Aggregates(ISpanQueries q, int windowDays) =>
    [
        ("cost-per-day by feature", async f => Rows(await q.CostPerDayAsync(f, CostDimension.Feature, null, default))),
        ("cost-per-day by user", async f => Rows(await q.CostPerDayAsync(f, CostDimension.User, null, default))),
        ("cost-per-day by user top 8", async f => Rows(await q.CostPerDayAsync(f, CostDimension.User, 8, default))), // the dashboard's
        ("cost-per-day by model", async f => Rows(await q.CostPerDayAsync(f, CostDimension.Model, null, default))),
        ("cost-by model", async f => Rows(await q.CostByAsync(f, CostDimension.Model, default))),
        ("cost-by user", async f => Rows(await q.CostByAsync(f, CostDimension.User, default))),
        ("cost-per-call percentiles", async f => Calls((await q.CostPerCallAsync(f, default)).Count)),
        ("cache-hit-rate", async f => Rows((await q.CacheHitRateAsync(f, default)).ByModel)),
        ("top-calls (10)", async f => Rows(await q.TopCallsAsync(f, 10, default))),
        ("latency by model", async f => Rows(await q.LatencyByModelAsync(f, default))),
        ("latency overall", async f => Calls((await q.LatencyAsync(f, default)).Count)),
        ("error-rate", async f => Calls((await q.ErrorRateAsync(f, default)).Overall.Calls)),
        ("tokens-over-time", async f => Rows(await q.TokensOverTimeAsync(f, windowDays <= 3 ? TimeBucket.Hour : TimeBucket.Day, default))),
        ("facets", async f => Rows((await q.FacetsAsync(f, default)).Models)),
        ("traces list, first page", async f => Rows((await q.ListTracesAsync(f, new PageRequest(), default)).Items)),
        ("calls list, first page", async f => Rows((await q.ListCallsAsync(f, new PageRequest(), default)).Items)),
        ("sessions list, first page", async f => Rows((await q.ListSessionsAsync(f, new PageRequest(), default)).Items)),
    ];

    public static async Task<List<Result>> RunAsync(
        string engine, ISpanQueries queries, ISpanStore store, DateTime end, long traces, BenchArgs options, int reps, IReadOnlyList<int> windows, TextWriter log)
    {
        log.WriteLine($"{engine}: {options.Warmup} warm-up + {reps} measured runs per query and window (uptime: {Uptime()})");
        var results = new List<Result>();
        foreach (var days in windows)
        {
            var filter = new SpanFilter { From = end.AddDays(-days), To = end };
            foreach (var (name, run) in Aggregates(queries, days))
            {
                if (!options.Selected(name))
                {
                    continue;
                }

                results.Add(await MeasureAsync(engine, name, days, () => run(filter), options.Warmup, reps, log));
            }

            // One session: the newest trace's (a session id recorded on one span, found by its text and the JSON keys).
            if (options.Selected("one session") && (await queries.ListTracesAsync(filter, new PageRequest(0, 1), default)).Items is [var newest])
            {
                var session = filter with { Session = DuckDbGenerator.SessionOf(newest.TraceId) };
                results.Add(await MeasureAsync(engine, "traces list, one session", days,
                    async () => Rows((await queries.ListTracesAsync(session, new PageRequest(), default)).Items), options.Warmup, reps, log));
                results.Add(await MeasureAsync(engine, "calls list, one session", days,
                    async () => Rows((await queries.ListCallsAsync(session, new PageRequest(), default)).Items), options.Warmup, reps, log));
            }
        }

        // Whole-store calls: no time window.
        var random = new Random(42);
        if (options.Selected("trace-by-id"))
        {
            results.Add(await MeasureAsync(engine, "trace-by-id (GetTraceAsync)", null, async () =>
            {
                var spans = await store.GetTraceAsync(DuckDbGenerator.TraceId(random.NextInt64(traces)), default);
                return spans.Count == 0 ? throw new InvalidOperationException("A generated trace was not found.") : $"{spans.Count} spans";
            }, options.Warmup, Math.Max(reps, 10), log));
        }

        log.WriteLine($"{engine}: done (uptime: {Uptime()})");
        return results;
    }

    private static async Task<Result> MeasureAsync(string engine, string name, int? days, Func<Task<string>> run, int warmup, int reps, TextWriter log)
    {
        var answer = "";
        var times = new List<double>();
        try
        {
            for (var i = 0; i < warmup; i++)
            {
                answer = await run();
            }

            for (var i = 0; i < reps; i++)
            {
                var watch = Stopwatch.StartNew();
                answer = await run();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException)
        {
            // Npgsql's default command timeout (30 s) applies as it does in the server: such a query fails there too.
            var failed = new Result(engine, name, days, [double.NaN], "failed: " + (ex.InnerException ?? ex).GetType().Name) { Failed = true };
            log.WriteLine($"  {engine,-10} {name,-48} {(days is { } d0 ? d0 + "d" : "-"),4}  {failed.Answer}: {ex.Message}");
            return failed;
        }

        var result = new Result(engine, name, days, times, answer);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {engine,-10} {name,-48} {(days is { } d ? d + "d" : "-"),4}  median {result.Median,9:F1} ms  p95 {result.P95,9:F1} ms  ({answer})"));
        return result;
    }

    public static string Table(IReadOnlyList<Result> results, IReadOnlyList<int> windows)
    {
        var engines = results.Select(r => r.Engine).Distinct().ToList();
        var text = new StringBuilder();
        text.Append("| query | engine |");
        foreach (var w in windows)
        {
            text.Append(CultureInfo.InvariantCulture, $" last {w} d median / p95 (ms) |");
        }

        text.AppendLine();
        text.Append("|---|---|").Append(string.Concat(Enumerable.Repeat("---:|", windows.Count))).AppendLine();
        foreach (var query in results.Select(r => r.Query).Distinct())
        {
            foreach (var engine in engines)
            {
                var rows = results.Where(r => r.Query == query && r.Engine == engine).ToList();
                if (rows.Count == 0)
                {
                    continue;
                }

                text.Append(CultureInfo.InvariantCulture, $"| {query} | {engine} |");
                if (rows.Count == 1 && rows[0].WindowDays is null)
                {
                    text.Append(CultureInfo.InvariantCulture, $" {Cell(rows[0])} (whole store) |").Append(string.Concat(Enumerable.Repeat(" |", windows.Count - 1)));
                }
                else
                {
                    foreach (var w in windows)
                    {
                        var r = rows.FirstOrDefault(x => x.WindowDays == w);
                        text.Append(' ').Append(r is null ? "" : Cell(r)).Append(" |");
                    }
                }

                text.AppendLine();
            }
        }

        return text.ToString();
    }

    private static string Cell(Result r) => r.Failed ? r.Answer : string.Create(CultureInfo.InvariantCulture, $"{Format(r.Median)} / {Format(r.P95)}");

    private static string Format(double ms) => ms >= 100 ? ms.ToString("N0", CultureInfo.InvariantCulture) : ms.ToString("F1", CultureInfo.InvariantCulture);

    private static string Rows<T>(IReadOnlyCollection<T> rows) => $"{rows.Count} rows";

    private static string Calls(long count) => $"{count:N0} calls";

    public static string Uptime()
    {
        try
        {
            var load = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"load average {load[0]}, {load[1]}, {load[2]}";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}

internal sealed class BenchArgs
{
    public long Spans { get; private set; } = 10_000_000;
    public string DataDirectory { get; private set; } = "/tmp/llmobs-querybench";
    public string? Postgres { get; private set; }
    public bool Regenerate { get; private set; }
    public bool GenerateOnly { get; private set; }

    /// <summary>Answer from the spans alone: no rollup job, no rollups read (the figures before rollups).</summary>
    public bool Raw { get; private set; }

    /// <summary>Measure PostgreSQL only (the DuckDB file still gives the data and the period's end).</summary>
    public bool PostgresOnly { get; private set; }
    public int Reps { get; private set; } = 5;
    public int PostgresReps { get; private set; } = 3;
    public int Warmup { get; private set; } = 1;
    public IReadOnlyList<int> Windows { get; private set; } = [1, 7, 30];

    /// <summary>PostgreSQL's windows when they differ (its 30-day aggregates take tens of seconds each).</summary>
    public IReadOnlyList<int>? PostgresWindows { get; private set; }
    public IReadOnlyList<string>? Only { get; private set; }
    public string? Explain { get; private set; }
    public string? Sql { get; private set; }

    public bool Selected(string name) => Only is null || Only.Any(o => name.Contains(o, StringComparison.OrdinalIgnoreCase));

    public static BenchArgs Parse(string[] args)
    {
        var o = new BenchArgs();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--spans": o.Spans = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--data": o.DataDirectory = Next(); break;
                case "--postgres": o.Postgres = Next(); break;
                case "--regenerate": o.Regenerate = true; break;
                case "--generate-only": o.GenerateOnly = true; break;
                case "--raw": o.Raw = true; break;
                case "--postgres-only": o.PostgresOnly = true; break;
                case "--reps": o.Reps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pg-reps": o.PostgresReps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup": o.Warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--windows": o.Windows = Next().Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToList(); break;
                case "--pg-windows": o.PostgresWindows = Next().Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToList(); break;
                case "--only": o.Only = Next().Split(','); break;
                case "--explain": o.Explain = Next(); break;
                case "--sql": o.Sql = Next(); break;
                default: throw new ArgumentException($"Unknown argument {args[i]}.");
            }
        }

        return o;
    }
}
