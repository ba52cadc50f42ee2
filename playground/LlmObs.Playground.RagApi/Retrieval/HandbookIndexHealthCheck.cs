using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmObs.Playground.RagApi.Retrieval;

/// <summary>Reports the service unhealthy until the handbook is embedded, so an AppHost's <c>WaitFor</c> waits for answers, not just for the port.</summary>
internal sealed class HandbookIndexHealthCheck(DocumentIndex index) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(index.IsReady
            ? HealthCheckResult.Healthy($"{index.Count} handbook pages indexed.")
            : HealthCheckResult.Unhealthy("The handbook is still being embedded."));
}
