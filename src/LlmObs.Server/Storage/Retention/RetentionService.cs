using Microsoft.Extensions.Options;

namespace LlmObs.Server.Storage.Retention;

/// <summary>Applies <c>LlmObs:Storage:Retention</c> in the background, every <c>Interval</c>; does nothing when no limit is set.</summary>
internal sealed class RetentionService(IRetentionTarget target, IOptions<StorageOptions> options, TimeProvider time, ILogger<RetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = options.Value.Retention;
        var policy = RetentionPolicy.From(retention);
        if (policy.MaxAge is null && policy.MaxBytes is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(retention.Interval, time);
        do
        {
            try
            {
                var result = await target.ApplyRetentionAsync(policy, time.GetUtcNow().UtcDateTime, stoppingToken);
                if (result.DaysRemoved.Count > 0)
                {
                    logger.LogInformation("Retention removed {Days} day(s) of spans ({First:yyyy-MM-dd} to {Last:yyyy-MM-dd}); the store now holds {Bytes} bytes.",
                        result.DaysRemoved.Count, result.DaysRemoved[0], result.DaysRemoved[^1], result.SizeBytesAfter);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed pass (e.g. PostgreSQL restarting) is retried at the next tick; ingest is unaffected.
                logger.LogWarning(ex, "Retention failed; it will run again in {Interval}.", retention.Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
