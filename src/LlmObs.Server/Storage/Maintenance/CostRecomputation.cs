using System.Data.Common;
using LlmObs.Pricing;

namespace LlmObs.Server.Storage.Maintenance;

/// <summary>The spans cost recomputation reads, and the cost each gets: one definition for both engines.</summary>
internal static class CostRecomputation
{
    /// <summary>Spans with a model and tokens, priced by the server or not at all.</summary>
    public const string CandidatesSql = """
        SELECT trace_id, span_id, start_time, model, provider,
               input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens
        FROM spans
        WHERE model IS NOT NULL
          AND (input_tokens IS NOT NULL OR output_tokens IS NOT NULL)
          AND (cost_source IS NULL OR cost_source = 'server')
        """;

    public static IEnumerable<(string TraceId, string SpanId, DateTime StartTime, double CostUsd)> Price(DbDataReader reader, PriceCatalog catalog)
    {
        while (reader.Read())
        {
            var usage = new TokenUsage
            {
                InputTokens = Long(reader, 5),
                OutputTokens = Long(reader, 6),
                CacheReadTokens = Long(reader, 7),
                CacheWriteTokens = Long(reader, 8),
                ReasoningTokens = Long(reader, 9),
            };
            var provider = reader.IsDBNull(4) ? null : reader.GetString(4);
            if (catalog.ComputeCost(reader.GetString(3), provider, usage) is { } cost)
            {
                yield return (reader.GetString(0), reader.GetString(1), reader.GetDateTime(2), cost.Total);
            }
        }
    }

    private static long Long(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? 0 : reader.GetInt64(ordinal);
}
