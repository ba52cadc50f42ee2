namespace LlmObs.Server.Query;

/// <summary>
/// What a list or an aggregate is narrowed to. Every filter is optional and they combine (AND).
/// For traces, a filter on a span property holds when any span of the trace has it.
/// </summary>
internal sealed record SpanFilter
{
    /// <summary>Inclusive lower bound on span start (UTC).</summary>
    public DateTime? From { get; init; }

    /// <summary>Exclusive upper bound on span start (UTC).</summary>
    public DateTime? To { get; init; }

    public string? Service { get; init; }
    public string? Project { get; init; }
    public string? Feature { get; init; }

    /// <summary>The user id as the service recorded it (hashed when the service hashes it).</summary>
    public string? User { get; init; }

    /// <summary>
    /// The session (conversation, thread) id under any convention's key (<see cref="Sql.SpanSql.SessionKeys"/>).
    /// A call matches when any span of its trace records it: services often tag only the request or the agent span.
    /// </summary>
    public string? Session { get; init; }

    public string? Model { get; init; }
    public string? Provider { get; init; }
    public StatusFilter? Status { get; init; }
    public double? MinCostUsd { get; init; }
    public double? MinLatencyMs { get; init; }

    /// <summary>Case-insensitive text searched for in the span's attributes (prompts and completions live there).</summary>
    public string? Text { get; init; }
}

internal enum StatusFilter
{
    Ok,
    Error,
}

/// <summary>Offset paging; <see cref="Limit"/> is clamped so one request can never ask for the whole store.</summary>
internal sealed record PageRequest(int Offset = 0, int Limit = PageRequest.DefaultLimit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    public int SafeOffset => Math.Max(0, Offset);

    public int SafeLimit => Math.Clamp(Limit, 1, MaxLimit);
}

/// <summary>One page; <see cref="NextOffset"/> is null on the last page.</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, int Offset, int Limit, int? NextOffset);
