using System.Globalization;
using Npgsql;

namespace LlmObs.Server.Storage.Postgres;

/// <summary>
/// One partition of <c>spans</c> and one of <c>content</c> per UTC day (<c>spans_p20260724</c>), so retention
/// drops whole tables instead of deleting rows (no bloat, no vacuum). Partitions are created ahead of time and,
/// for spans from other days (late or clock-skewed), on demand before the batch that needs them.
/// </summary>
internal sealed class PostgresPartitions(NpgsqlDataSource dataSource)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private HashSet<DateOnly>? _known;

    /// <summary>Creates the partitions of <paramref name="days"/> (and of the day after the last, ahead of time) that do not exist yet.</summary>
    public async Task EnsureAsync(IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        var known = _known;
        var wanted = days.ToHashSet();
        if (wanted.Count > 0)
        {
            wanted.Add(wanted.Max().AddDays(1));
        }

        if (known is not null && wanted.All(known.Contains))
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            known = _known ??= [.. await ListAsync(cancellationToken).ConfigureAwait(false)];
            foreach (var day in wanted.Where(d => !known.Contains(d)).Order())
            {
                await CreateAsync(day, cancellationToken).ConfigureAwait(false);
                known.Add(day);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The days that have a spans partition, oldest first.</summary>
    public async Task<List<DateOnly>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'spans'::regclass
            """);
        var days = new List<DateOnly>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (DateOnly.TryParseExact(reader.GetString(0).Replace("spans_p", ""), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                days.Add(day);
            }
        }

        days.Sort();
        return days;
    }

    public async Task DropAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await PostgresSchema.ExecuteAsync(connection, $"DROP TABLE IF EXISTS {SpansTable(day)}, {ContentTable(day)}", cancellationToken).ConfigureAwait(false);
            _known?.Remove(day);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<bool> HasSpansAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {SpansTable(day)})");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    // DDL takes no parameters. Names and bounds are formatted here from a DateOnly, never from received text.
    public static string SpansTable(DateOnly day) => "\"spans_p" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "\"";

    public static string ContentTable(DateOnly day) => "\"content_p" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "\"";

    private async Task CreateAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var from = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Bounds in UTC whatever the session's TimeZone: a day is a UTC day in both engines.
            await PostgresSchema.ExecuteAsync(connection, $"""
                CREATE TABLE IF NOT EXISTS {SpansTable(day)} PARTITION OF spans FOR VALUES FROM ('{from} 00:00:00+00') TO ('{to} 00:00:00+00');
                CREATE TABLE IF NOT EXISTS {ContentTable(day)} PARTITION OF content FOR VALUES FROM ('{from}') TO ('{to}');
                """, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.UniqueViolation)
        {
            // Another server on the same database created it between our check and our CREATE.
        }
    }
}
