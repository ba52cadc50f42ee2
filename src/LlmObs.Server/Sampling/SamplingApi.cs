using Microsoft.Extensions.Options;

namespace LlmObs.Server.Sampling;

/// <summary>What the tail sampler kept and dropped, and why; and the equivalent Collector configuration.</summary>
internal static class SamplingApi
{
    public static IEndpointRouteBuilder MapSamplingApi(this IEndpointRouteBuilder app)
    {
        var sampling = app.MapGroup("/api/sampling").WithTags("sampling");

        sampling.MapGet("/", (IOptions<TailSamplingOptions> options, IServiceProvider services) =>
        {
            var store = services.GetService<TailSamplingStore>();
            var counts = store?.Sampler.Counts
                .Select(c => new SamplingCount(c.Key.Keep ? "kept" : "dropped", c.Key.Reason, c.Value))
                .OrderBy(c => c.Decision).ThenByDescending(c => c.Traces)
                .ToList() ?? [];
            return Results.Ok(new SamplingStatus(store is not null, options.Value, store?.Sampler.BufferedTraces ?? 0, counts));
        });

        sampling.MapGet("/collector-config", (IOptions<TailSamplingOptions> options, HttpContext context, string? llmobsEndpoint) =>
            Results.Text(
                CollectorConfiguration.Write(options.Value, llmobsEndpoint ?? $"{context.Request.Scheme}://{context.Request.Host}"),
                "application/yaml"));

        return app;
    }
}

internal sealed record SamplingStatus(bool Enabled, TailSamplingOptions Options, int BufferedTraces, IReadOnlyList<SamplingCount> Counts);

internal sealed record SamplingCount(string Decision, string Reason, long Traces);
