using System.Data.Common;
using LlmObs.Server.Ingest;

namespace LlmObs.Server.Storage;

/// <summary>
/// Reads a <c>spans</c> row, selected with the columns in schema order, into a span record: both engines keep the
/// same columns in the same order, so one reader serves both.
/// </summary>
internal static class SpanRows
{
    // After content_refs (27): the selects of both engines name the columns in this order.
    private const int ProjectOrdinal = 28;

    public static SpanRecord Read(DbDataReader r) => new()
    {
        TraceId = r.GetString(0),
        SpanId = r.GetString(1),
        ParentSpanId = NullableString(r, 2),
        Name = r.GetString(3),
        Kind = r.GetInt32(4),
        ServiceName = r.GetString(5),
        ScopeName = NullableString(r, 6),
        StartTime = DateTime.SpecifyKind(r.GetDateTime(7), DateTimeKind.Utc),
        EndTime = DateTime.SpecifyKind(r.GetDateTime(8), DateTimeKind.Utc),
        DurationMs = r.GetDouble(9),
        StatusCode = r.GetInt32(10),
        StatusMessage = NullableString(r, 11),
        Llm = r.IsDBNull(12) && r.IsDBNull(13) ? LlmView.None : new LlmView
        {
            SpanKind = NullableString(r, 12),
            Operation = NullableString(r, 13),
            Provider = NullableString(r, 14),
            Model = NullableString(r, 15),
            InputTokens = NullableLong(r, 16),
            OutputTokens = NullableLong(r, 17),
            CacheReadTokens = NullableLong(r, 18),
            CacheWriteTokens = NullableLong(r, 19),
            ReasoningTokens = NullableLong(r, 20),
            CostUsd = r.IsDBNull(21) ? null : r.GetDouble(21),
            CostSource = NullableString(r, 22),
            Feature = NullableString(r, 23),
        },
        AttributesJson = r.GetString(24),
        ResourceJson = r.GetString(25),
        EventsJson = NullableString(r, 26),
        Project = r.IsDBNull(ProjectOrdinal) ? SpanRecord.DefaultProject : r.GetString(ProjectOrdinal),
    };

    private static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? NullableLong(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
}
