using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmObs.Evaluation.Worker;

/// <summary>Runs <see cref="OfflineEvaluation"/> until the host stops: at once while there is work, else every poll interval.</summary>
internal sealed class EvaluationWorker(
    OfflineEvaluation evaluation, IOptions<EvaluationWorkerOptions> options, TimeProvider time, ILogger<EvaluationWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Offline evaluation of {Names} started.", string.Join(", ", evaluation.Names));
        while (!stoppingToken.IsCancellationRequested)
        {
            EvaluationRunSummary? summary = null;
            try
            {
                summary = await evaluation.RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // LlmObs may not be up yet (or is restarting): wait and try again rather than stop the host.
                logger.LogWarning(e, "An offline evaluation run failed.");
            }

            var busy = summary is { Evaluated: > 0, BudgetExhausted: false, Failed: 0 };
            await Task.Delay(busy ? TimeSpan.FromMilliseconds(200) : options.Value.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
