using LlmObs.Pricing;
using LlmObs.Server.Query;
using LlmObs.Server.Storage;
using LlmObs.Server.Storage.Maintenance;

namespace LlmObs.Server.Admin;

/// <summary>
/// Operations on the store as a whole, behind the Aspire dashboard's commands on the LlmObs resource:
/// clear, export as OTLP JSON, recompute costs, and the summary its live properties show.
/// </summary>
internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("admin");

        admin.MapDelete("/data", async (IStoreMaintenance store, CancellationToken cancellationToken) =>
            Results.Ok(new ClearResult(await store.ClearAsync(cancellationToken))));

        admin.MapPost("/recompute-costs", async (IStoreMaintenance store, PriceCatalog catalog, CancellationToken cancellationToken) =>
            Results.Ok(new RecomputeResult(await store.RecomputeCostsAsync(catalog, cancellationToken), catalog.Version)));

        admin.MapGet("/export", (ISpanQueries queries, ISpanStore store, DateTime? from, DateTime? to, HttpContext context) =>
        {
            context.Response.Headers.ContentDisposition = "attachment; filename=\"llmobs-traces.otlp.json\"";
            return Results.Stream(
                stream => OtlpJsonExport.WriteAsync(stream, queries, store, new SpanFilter { From = from, To = to }, context.RequestAborted),
                "application/json");
        });

        app.MapGet("/api/summary", async (ISpanQueries queries, DateTime? from, CancellationToken cancellationToken) =>
            Results.Ok(await StoreSummary.ComputeAsync(queries, from ?? DateTime.UtcNow.Date, cancellationToken)));

        return app;
    }
}

internal sealed record ClearResult(long RemovedSpans);

internal sealed record RecomputeResult(long PricedSpans, string CatalogVersion);
