using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Dashboard;

/// <summary>
/// Keeps the LlmObs resource's properties in the Aspire dashboard up to date (cost today, LLM calls today, p95 latency,
/// error rate, most expensive feature) and raises a notification when one call costs more than the alert threshold.
/// </summary>
internal sealed class LlmObsLiveProperties(LlmObsResource resource, IServiceProvider services)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    public const string CostToday = "llmobs.cost_today";
    public const string CallsToday = "llmobs.llm_calls_today";
    public const string P95Latency = "llmobs.p95_latency_ms";
    public const string ErrorRate = "llmobs.error_rate";
    public const string TopFeature = "llmobs.top_feature";

    private readonly HashSet<string> _alerted = [];

    public static IResourceBuilder<LlmObsResource> WithLiveProperties(IResourceBuilder<LlmObsResource> builder)
    {
        builder.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(builder.Resource, (@event, cancellationToken) =>
        {
            var stopping = @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = new LlmObsLiveProperties(builder.Resource, @event.Services).RunAsync(stopping);
            return Task.CompletedTask;
        });
        return builder;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<LlmObsLiveProperties>();
        using var client = new LlmObsServerClient(resource);
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var summary = await client.GetSummaryAsync(DateTime.UtcNow.Date, stopping).ConfigureAwait(false);
                await notifications.PublishUpdateAsync(resource, snapshot => snapshot with
                {
                    Properties = With(snapshot.Properties,
                        new(CostToday, Invariant(summary.CostUsd, "0.######")) { DisplayName = "Cost today (USD)" },
                        new(CallsToday, summary.LlmCalls) { DisplayName = "LLM calls today" },
                        new(P95Latency, summary.P95LatencyMs is { } p95 ? Invariant(p95, "0") : "") { DisplayName = "p95 latency (ms)" },
                        new(ErrorRate, summary.ErrorRate is { } rate ? Invariant(rate * 100, "0.##") + " %" : "") { DisplayName = "Error rate" },
                        new(TopFeature, summary.TopFeature is { } feature ? $"{feature} (${Invariant(summary.TopFeatureCostUsd ?? 0, "0.######")})" : "")
                        {
                            DisplayName = "Most expensive feature",
                        }),
                }).ConfigureAwait(false);
                await AlertOnExpensiveCallAsync(summary, client, stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stopping.IsCancellationRequested)
            {
                // The server restarts or is busy; the next tick tries again.
                logger.LogDebug(ex, "Reading LlmObs's summary failed.");
            }
        }
        while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
    }

    private async Task AlertOnExpensiveCallAsync(LlmObsServerClient.StoreSummary summary, LlmObsServerClient client, CancellationToken stopping)
    {
        if (resource.CostAlertThresholdUsd is not { } threshold
            || summary is not { MostExpensiveTraceId: { } traceId, MostExpensiveCallCostUsd: { } cost }
            || cost <= threshold
            || !_alerted.Add(traceId))
        {
            return;
        }

#pragma warning disable ASPIREINTERACTION001 // The interaction service is experimental; a notification is its stable core.
        var interactions = services.GetRequiredService<IInteractionService>();
        if (interactions.IsAvailable)
        {
            _ = interactions.PromptNotificationAsync(
                "Expensive LLM call",
                $"One call cost ${Invariant(cost, "0.####")}, above the ${Invariant(threshold, "0.####")} alert threshold.",
                new NotificationInteractionOptions { Intent = MessageIntent.Warning, LinkText = "Open trace", LinkUrl = client.TraceUrl(traceId) },
                stopping);
        }
#pragma warning restore ASPIREINTERACTION001
    }

    /// <summary>The properties with these ones replaced (or added), the rest kept as the orchestrator set them.</summary>
    private static System.Collections.Immutable.ImmutableArray<ResourcePropertySnapshot> With(
        System.Collections.Immutable.ImmutableArray<ResourcePropertySnapshot> properties, params ResourcePropertySnapshot[] updates)
    {
        var names = updates.Select(u => u.Name).ToHashSet();
        return [.. properties.Where(p => !names.Contains(p.Name)), .. updates];
    }

    private static string Invariant(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
