namespace LlmObs.Server.Storage;

/// <summary>Which engine keeps the spans and how long, bound from <c>LlmObs:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "LlmObs:Storage";

    /// <summary><c>duckdb</c> (default: a file in <c>LlmObs:DataDirectory</c>) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = StorageProviders.DuckDb;

    /// <summary>The Npgsql connection string for <c>postgres</c>; <c>ConnectionStrings:llmobs</c> when empty.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// String attribute values longer than this many UTF-8 bytes (prompts, completions, retrieved documents)
    /// are stored once per day, as text the engine compresses, in the content table, so listing traces never reads them.
    /// </summary>
    public int LargeValueBytes { get; set; } = 1024;

    /// <summary>Spans waiting to be written before new requests are answered 503 with <c>Retry-After</c>.</summary>
    public int MaxQueuedSpans { get; set; } = 200_000;

    /// <summary>The most spans one transaction writes; a larger backlog is written in several.</summary>
    public int MaxBatchSpans { get; set; } = 20_000;

    /// <summary>PostgreSQL: how many connections write batches in parallel.</summary>
    public int PostgresWriters { get; set; } = 2;

    public RetentionOptions Retention { get; set; } = new();

    /// <summary>The pre-aggregated tables the dashboard's aggregates read (<c>LlmObs:Storage:Rollups</c>).</summary>
    public Rollups.RollupOptions Rollups { get; set; } = new();
}

/// <summary>What the background retention service removes; nothing is removed when both limits are unset.</summary>
public sealed class RetentionOptions
{
    /// <summary>Spans that started longer ago than this are removed, a whole day at a time (e.g. <c>7.00:00:00</c>).</summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>When the store is larger than this, the oldest days are removed until it fits.</summary>
    public long? MaxSizeMegabytes { get; set; }

    /// <summary>How often retention runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);
}

public static class StorageProviders
{
    public const string DuckDb = "duckdb";
    public const string Postgres = "postgres";
}
