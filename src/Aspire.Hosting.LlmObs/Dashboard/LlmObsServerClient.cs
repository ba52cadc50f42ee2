using System.Globalization;
using System.Net.Http.Json;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Dashboard;

/// <summary>The calls the AppHost makes to a running LlmObs server, for its commands and live properties.</summary>
internal sealed class LlmObsServerClient(LlmObsResource resource) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public Uri BaseAddress => new(resource.PrimaryEndpoint.Url);

    public async Task<long> ClearAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, "/api/admin/data", cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ClearResult>(cancellationToken).ConfigureAwait(false))!.RemovedSpans;
    }

    public async Task<RecomputeResult> RecomputeCostsAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/admin/recompute-costs", cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RecomputeResult>(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Streams the OTLP JSON export into <paramref name="path"/>.</summary>
    public async Task ExportAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/admin/export", cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = File.Create(path);
        await response.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoreSummary> GetSummaryAsync(DateTime from, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            HttpMethod.Get, $"/api/summary?from={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}", cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<StoreSummary>(cancellationToken).ConfigureAwait(false))!;
    }

    public string TraceUrl(string traceId) => new Uri(BaseAddress, $"/traces/{traceId}").ToString();

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string pathAndQuery, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseAddress, pathAndQuery));
        if (resource.ApiKey is { } apiKey && await apiKey.GetValueAsync(cancellationToken).ConfigureAwait(false) is { Length: > 0 } key)
        {
            request.Headers.Add("x-api-key", key);
        }

        return await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
    }

    internal sealed record ClearResult(long RemovedSpans);

    internal sealed record RecomputeResult(long PricedSpans, string CatalogVersion);

    internal sealed record StoreSummary(
        DateTime From,
        double CostUsd,
        long LlmCalls,
        double? P95LatencyMs,
        double? ErrorRate,
        string? TopFeature,
        double? TopFeatureCostUsd,
        string? MostExpensiveTraceId,
        double? MostExpensiveCallCostUsd);
}
