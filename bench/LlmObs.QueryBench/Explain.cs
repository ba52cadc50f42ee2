using System.Data.Common;
using System.Diagnostics;
using System.Text;
using LlmObs.Server.Query;
using LlmObs.Server.Query.Sql;

namespace LlmObs.QueryBench;

/// <summary>
/// <c>--explain NAME</c>: the plan with actual timings (EXPLAIN ANALYZE) of the statement SpanSql writes for one
/// query, as the benchmark runs it; <c>--sql TEXT</c>: any statement, timed, its rows printed (for trying a fix).
/// </summary>
internal static class Explain
{
    public static SqlStatement Statement(SpanSql sql, string name, SpanFilter f) => name switch
    {
        "cost-per-day" => sql.CostPerDay(f, CostDimension.User),
        "cost-per-day-feature" => sql.CostPerDay(f, CostDimension.Feature),
        "cost-by" => sql.CostBy(f, CostDimension.Model),
        "cost-per-call" => sql.CostPerCall(f),
        "cache-hit-rate" => sql.CacheHitRate(f),
        "top-calls" => sql.TopCalls(f, 10),
        "latency" => sql.LatencyByModel(f),
        "error-rate" => sql.ErrorRate(f),
        "tokens-over-time" => sql.TokensOverTime(f, TimeBucket.Day),
        "traces" => sql.Traces(f, new PageRequest()),
        "calls" => sql.Calls(f, new PageRequest()),
        _ => throw new ArgumentException($"No query {name}."),
    };

    public static async Task RunAsync(ISqlConnectionSource source, SqlStatement statement, bool explain, TextWriter log)
    {
        await using var connection = await source.OpenAsync(default);
        await using var command = connection.CreateCommand();
        var postgres = source.Dialect.Placeholder("x").StartsWith('@');
        command.CommandText = (explain ? (postgres ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN ANALYZE ") : "") + statement.Text;
        command.CommandTimeout = 0;
        foreach (var (name, value) in statement.Parameters)
        {
            command.Parameters.Add(source.Parameter(name, value));
        }

        if (!explain)
        {
            log.WriteLine(statement.Text);
        }

        var watch = Stopwatch.StartNew();
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync())
        {
            if (rows++ < 40)
            {
                log.WriteLine(Row(reader));
            }
        }

        log.WriteLine($"-- {rows} rows in {watch.Elapsed.TotalMilliseconds:F1} ms");
    }

    private static string Row(DbDataReader reader)
    {
        var text = new StringBuilder();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            text.Append(i == 0 ? "" : " | ").Append(reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
