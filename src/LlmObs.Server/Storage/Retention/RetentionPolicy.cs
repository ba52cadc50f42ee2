namespace LlmObs.Server.Storage.Retention;

/// <summary>Implemented by each engine: removes whole days of spans (and their content) by age and by size.</summary>
internal interface IRetentionTarget
{
    /// <summary>
    /// Removes every day older than <c>now - MaxAge</c>, then the oldest days while the store is larger than
    /// <c>MaxBytes</c>, never the newest day holding spans (recent data beats a size limit set too low).
    /// </summary>
    Task<RetentionResult> ApplyRetentionAsync(RetentionPolicy policy, DateTime now, CancellationToken cancellationToken);

    /// <summary>The bytes the store occupies, as size retention measures them.</summary>
    Task<long> GetSizeBytesAsync(CancellationToken cancellationToken);
}

internal sealed record RetentionPolicy(TimeSpan? MaxAge, long? MaxBytes)
{
    public static RetentionPolicy From(RetentionOptions options) =>
        new(options.MaxAge, options.MaxSizeMegabytes is { } megabytes ? megabytes * 1024 * 1024 : null);

    /// <summary>The first day that age retention keeps: whole days only, so both engines agree to the span.</summary>
    public DateOnly? FirstDayKept(DateTime now) => MaxAge is { } age ? DateOnly.FromDateTime(now - age) : null;
}

internal sealed record RetentionResult(IReadOnlyList<DateOnly> DaysRemoved, long SizeBytesAfter);
