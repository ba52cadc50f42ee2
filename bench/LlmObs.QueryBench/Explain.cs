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

    /// <summary>The statement <see cref="RollupSql"/> writes for <c>rollup-NAME</c>, planned on the store's rollup state now.</summary>
    public static async Task<SqlStatement> RollupStatementAsync(ISqlConnectionSource source, string name, SpanFilter f)
    {
        await using var connection = await source.OpenAsync(default);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT max(rolled_until) FROM rollup_state";
        var until = await command.ExecuteScalarAsync() switch
        {
            DateTime time => DateTime.SpecifyKind(time, DateTimeKind.Utc),
            DateTimeOffset offset => offset.UtcDateTime,
            _ => throw new InvalidOperationException("Nothing is rolled up."),
        };
        var coverage = new RollupCoverage(until, new HashSet<DateTime>());
        var sql = new RollupSql(source.Dialect);
        RollupPlan Plan(RollupSql.Source s) => coverage.Plan(f, RollupSql.Grain(s)) ?? throw new InvalidOperationException("The rollups cover no bucket of the period.");
        return name switch
        {
            "rollup-cost-per-day" => sql.CostPerDay(f, CostDimension.User, coverage.PlanDaysThenHours(f)!),
            "rollup-cost-by-user" => sql.CostBy(f, CostDimension.User, coverage.PlanDaysThenHours(f)!),
            "rollup-cost-by" => sql.CostBy(f, CostDimension.Model, Plan(RollupSql.Source.Calls)),
            "rollup-latency" => sql.Histogram(f, Plan(RollupSql.Source.Values), [LlmObs.Server.Storage.Rollups.RollupMetric.Duration, LlmObs.Server.Storage.Rollups.RollupMetric.TimeToFirstToken], byModel: true, chatOnly: true),
            "rollup-cost-per-call" => sql.Histogram(f, Plan(RollupSql.Source.Values), [LlmObs.Server.Storage.Rollups.RollupMetric.Cost], byModel: false, chatOnly: false),
            _ => throw new ArgumentException($"No query {name}."),
        };
    }

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
