using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Dashboard;

/// <summary>The commands the Aspire dashboard shows on the LlmObs resource.</summary>
internal static class LlmObsCommands
{
    public const string ClearData = "llmobs-clear-data";
    public const string ExportTraces = "llmobs-export-traces";
    public const string RecomputeCosts = "llmobs-recompute-costs";
    public const string OpenMostExpensiveTrace = "llmobs-open-most-expensive-trace";

    public static IResourceBuilder<LlmObsResource> WithLlmObsCommands(this IResourceBuilder<LlmObsResource> builder)
    {
        var resource = builder.Resource;
        var exportDirectory = Path.Combine(builder.ApplicationBuilder.AppHostDirectory, ".llmobs", "exports");

        return builder
            .WithCommand(ClearData, "Clear stored data", async context =>
            {
                using var client = new LlmObsServerClient(resource);
                var removed = await client.ClearAsync(context.CancellationToken).ConfigureAwait(false);
                return CommandResults.Success($"Removed {removed} spans.");
            }, Options("Delete", "Delete every stored trace? The Aspire dashboard keeps its own copy."))
            .WithCommand(ExportTraces, "Export traces (OTLP JSON)", async context =>
            {
                using var client = new LlmObsServerClient(resource);
                var path = Path.Combine(exportDirectory, $"{resource.Name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.otlp.json");
                await client.ExportAsync(path, context.CancellationToken).ConfigureAwait(false);
                return CommandResults.Success($"Exported to {path}", path, CommandResultFormat.Text, displayImmediately: true);
            }, Options("ArrowDownload"))
            .WithCommand(RecomputeCosts, "Recompute costs", async context =>
            {
                using var client = new LlmObsServerClient(resource);
                var result = await client.RecomputeCostsAsync(context.CancellationToken).ConfigureAwait(false);
                return CommandResults.Success($"Priced {result.PricedSpans} spans with {result.CatalogVersion}.");
            }, Options("Money"))
            .WithCommand(OpenMostExpensiveTrace, "Most expensive trace (last hour)", async context =>
            {
                using var client = new LlmObsServerClient(resource);
                var summary = await client.GetSummaryAsync(DateTime.UtcNow.AddHours(-1), context.CancellationToken).ConfigureAwait(false);
                if (summary.MostExpensiveTraceId is not { } traceId)
                {
                    return CommandResults.Failure("No priced LLM call in the last hour.");
                }

                var cost = summary.MostExpensiveCallCostUsd?.ToString("0.######", CultureInfo.InvariantCulture) ?? "?";
                var url = client.TraceUrl(traceId);
                return CommandResults.Success($"Most expensive call of the last hour: ${cost}", $"[Open trace {traceId}]({url})",
                    CommandResultFormat.Markdown, displayImmediately: true);
            }, Options("ArrowTrendingLines"));
    }

    /// <summary>Commands are offered only while the server runs: they all call it.</summary>
    private static CommandOptions Options(string icon, string? confirmation = null) => new()
    {
        IconName = icon,
        ConfirmationMessage = confirmation,
        UpdateState = context => context.ResourceSnapshot.State?.Text == KnownResourceStates.Running
            ? ResourceCommandState.Enabled
            : ResourceCommandState.Disabled,
    };
}
