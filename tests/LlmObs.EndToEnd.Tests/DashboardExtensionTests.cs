using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;

namespace LlmObs.EndToEnd.Tests;

/// <summary>
/// The LlmObs resource as the Aspire dashboard shows it: its live properties, read through the resource notification
/// service, and each of its commands, executed as the dashboard executes them.
/// </summary>
[Collection(PlaygroundCollection.Name)]
public sealed class DashboardExtensionTests(PlaygroundFixture playground)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Live_properties_show_todays_cost_and_calls_and_every_command_works()
    {
        using var ask = await playground.Rag.PostAsJsonAsync("/ask", new { question = "How much does the Business plan cost?", userId = "user-7" }, Ct);
        ask.EnsureSuccessStatusCode();
        var traceId = (await ask.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("traceId").GetString()!;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        // The count and p95 latency are over the same LLM calls (embeddings are in the cost only); every property
        // read below is waited for.
        var live = await playground.App.ResourceNotifications.WaitForResourceAsync("llmobs",
            e => Property(e.Snapshot, "llmobs.llm_calls_today") is long calls and > 0
                && double.Parse((string)Property(e.Snapshot, "llmobs.cost_today")!, System.Globalization.CultureInfo.InvariantCulture) > 0
                && Property(e.Snapshot, "llmobs.p95_latency_ms") is string { Length: > 0 },
            timeout.Token);
        // Which feature costs most depends on what else ran (indexing, the eval judge, other tests): its shape does not.
        Assert.Matches(@"^\S+ \(\$\d+(\.\d+)?\)$", (string)Property(live.Snapshot, "llmobs.top_feature")!);
        Assert.Matches(@"^\d+$", (string)Property(live.Snapshot, "llmobs.p95_latency_ms")!);

        var commands = playground.App.ResourceCommands;

        var expensive = await commands.ExecuteCommandAsync("llmobs", "llmobs-open-most-expensive-trace", Ct);
        Assert.True(expensive.Success, expensive.Message);
        Assert.Contains("/traces/", expensive.Data?.Value);

        var recompute = await commands.ExecuteCommandAsync("llmobs", "llmobs-recompute-costs", Ct);
        Assert.True(recompute.Success, recompute.Message);
        Assert.Contains("litellm-", recompute.Message);

        var stored = await WaitForStoredSpanCountAsync(traceId);
        var export = await commands.ExecuteCommandAsync("llmobs", "llmobs-export-traces", Ct);
        Assert.True(export.Success, export.Message);
        var file = export.Data!.Value;
        using (var exported = JsonDocument.Parse(await File.ReadAllTextAsync(file, Ct)))
        {
            var spans = exported.RootElement.GetProperty("resourceSpans").EnumerateArray()
                .SelectMany(r => r.GetProperty("scopeSpans").EnumerateArray())
                .SelectMany(s => s.GetProperty("spans").EnumerateArray());
            Assert.Equal(stored, spans.Count(s => s.GetProperty("traceId").GetString() == traceId));
        }

        File.Delete(file);

        var clear = await commands.ExecuteCommandAsync("llmobs", "llmobs-clear-data", Ct);
        Assert.True(clear.Success, clear.Message);
        using var afterClear = await playground.LlmObs.GetAsync($"/api/traces/{traceId}", Ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, afterClear.StatusCode);
    }

    /// <summary>Waits until the trace is stored, request span included, and returns how many spans it has.</summary>
    private async Task<int> WaitForStoredSpanCountAsync(string traceId)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var response = await playground.LlmObs.GetAsync($"/api/traces/{traceId}", Ct);
            if (response.IsSuccessStatusCode)
            {
                var spans = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("spans");
                if (spans.EnumerateArray().Any(s => !s.TryGetProperty("parentSpanId", out _)) || attempt > 240)
                {
                    return spans.GetArrayLength();
                }
            }

            await Task.Delay(250, Ct);
        }
    }

    private static object? Property(CustomResourceSnapshot snapshot, string name) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value;
}
