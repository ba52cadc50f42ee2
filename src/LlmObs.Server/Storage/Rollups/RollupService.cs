using Microsoft.Extensions.Options;

namespace LlmObs.Server.Storage.Rollups;

/// <summary>
/// Keeps the rollups current: every <see cref="RollupOptions.Interval"/> it rolls up the hours that closed, and
/// after a start on a store with older spans (an upgrade) it backfills them, pass after pass, without waiting.
/// </summary>
internal sealed class RollupService(RollupJob job, IOptions<StorageOptions> options, TimeProvider time, ILogger<RollupService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var rollups = options.Value.Rollups;
        if (!rollups.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(rollups.Interval, time);
        do
        {
            try
            {
                RollupRun run;
                var backfill = TimeSpan.Zero;
                var hours = 0;
                do
                {
                    run = await job.RunOnceAsync(time.GetUtcNow().UtcDateTime, stoppingToken);
                    backfill += run.Elapsed;
                    hours += run.Hours;
                }
                while (run.MoreToDo && !stoppingToken.IsCancellationRequested);

                if (hours > 24)
                {
                    logger.LogInformation("Rolled up {Hours} hours of spans in {Seconds:F1} s; rollups now reach {Until:u}.", hours, backfill.TotalSeconds, run.RolledUntil);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Queries read the spans for whatever is not rolled up, so a failed pass only costs speed until the next.
                logger.LogWarning(ex, "Rolling up failed; it will run again in {Interval}.", rollups.Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
