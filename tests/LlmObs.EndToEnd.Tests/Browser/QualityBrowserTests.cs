using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace LlmObs.EndToEnd.Tests.Browser;

/// <summary>
/// Quality next to cost in a real browser against the running playground: calls of two features (<c>/ask</c> and
/// <c>/summarise</c>), <c>eval.quality</c> scores posted for their chat spans through the annotation API (the eval
/// worker may add its own; the page must agree with the API whatever they are), the quality page ranking the features
/// worst first by cost per quality point, and the scores shown on the trace page, as text.
/// </summary>
[Collection(PlaygroundCollection.Name)]
public sealed class QualityBrowserTests(PlaygroundFixture playground)
{
    private const string ScoreName = "eval.quality";
    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_quality_page_ranks_features_by_cost_per_quality_and_the_trace_shows_its_annotations()
    {
        // Two features on the same model, each call scored by a reviewer: answers good, ticket summaries middling.
        var asks = new List<(string TraceId, string SpanId)>();
        foreach (var question in new[] { "How long do refunds take?", "Which plans include SSO?" })
        {
            asks.AddRange(await CallAndWaitForChatSpansAsync("/ask", new { question, userId = "user-quality" }));
        }

        var summaries = new List<(string TraceId, string SpanId)>();
        foreach (var ticket in new[]
        {
            "The customer was charged twice for the annual Business plan renewal and wants the duplicate charge refunded.",
            "The Hub arrived with a cracked screen; the customer wants a replacement shipped to Germany.",
        })
        {
            summaries.AddRange(await CallAndWaitForChatSpansAsync("/summarise", new { ticket, userId = "agent-quality" }));
        }

        await AnnotateAsync(asks.Select(s => Annotation(s, 0.9, "good", "Cites the right handbook page.")));
        await AnnotateAsync(summaries.Select(s => Annotation(s, 0.5, "partial", "Misses what the customer asked for.")));

        // A whole-trace annotation whose text is markup: it must be shown as text.
        const string markup = "<img src=x onerror=\"window.__llmobsXss = 1\"><b id=\"llmobs-injected\">bold</b> thumbs up";
        var (askTrace, askSpan) = asks[0];
        await AnnotateAsync([new { traceId = askTrace, name = "user.feedback", label = "thumbs_up", explanation = markup, source = "human", identifier = "e2e" }]);

        await using var chromium = await Chromium.LaunchAsync(playground.LlmObs.BaseAddress!);
        var page = chromium.Page;

        var response = await page.GotoAsync($"/quality?name={ScoreName}&range=1h");
        Assert.Contains("script-src 'self'", response!.Headers["content-security-policy"]);
        Assert.Equal("page", await page.Locator("[data-nav='quality']").GetAttributeAsync("aria-current"));
        var featureRows = page.Locator("[data-chart='by-feature'] tbody tr");
        await page.Locator("[data-chart='by-feature'] tr[data-key='summarise_ticket']").WaitForAsync();
        await page.Locator("[data-chart='by-feature'] tr[data-key='ask']").WaitForAsync();
        Assert.Equal(ScoreName, await page.Locator("#name").InputValueAsync());

        // The page ranks what the API measures (the worker may score more calls meanwhile: compare until they agree).
        IReadOnlyList<string> uiOrder = [], apiOrder = [];
        for (var attempt = 0; attempt < 30; attempt++)
        {
            apiOrder = (await CostPerQualityAsync())
                .Where(r => r.CostPerQuality is not null).Select(r => r.Key).ToList();
            uiOrder = (await featureRows.EvaluateAllAsync<string[]>(
                "rows => rows.filter(r => r.querySelector('[data-field=cost-per-quality]').textContent.startsWith('$')).map(r => r.dataset.key)")).ToList();
            if (uiOrder.SequenceEqual(apiOrder))
            {
                break;
            }

            await page.WaitForTimeoutAsync(1_000);
        }

        Assert.Equal(apiOrder, uiOrder);
        Assert.Contains("ask", uiOrder);
        Assert.Contains("summarise_ticket", uiOrder);

        // Worst first: cost per quality point never rises down the table, and each is cost per call over mean score.
        var shown = new List<double>();
        foreach (var key in uiOrder)
        {
            var row = page.Locator($"[data-chart='by-feature'] tr[data-key='{key}']");
            var perQuality = Dollars(await row.Locator("[data-field='cost-per-quality']").InnerTextAsync());
            var perCall = Dollars(await row.Locator("[data-field='cost-per-call']").InnerTextAsync());
            var mean = double.Parse(await row.Locator("[data-field='mean-score']").InnerTextAsync(), CultureInfo.InvariantCulture);
            Assert.Equal(perCall / mean, perQuality, perQuality * 0.02 + 1e-9); // both rounded to three figures
            shown.Add(perQuality);
        }

        Assert.Equal(shown.OrderByDescending(v => v), shown);
        Assert.Equal("data", await page.Locator("[data-chart='by-model']").GetAttributeAsync("data-state"));
        await page.WaitForFunctionAsync("() => document.querySelector(\"[data-chart='quality-over-time']\").dataset.state === 'data'");
        Assert.True(await page.Locator("[data-chart='quality-over-time'] svg circle").CountAsync() > 0);
        await chromium.ScreenshotAsync("quality");

        // The trace: the reviewer's score in the chat span's panel, the feedback at the top, both as text.
        await page.GotoAsync($"/traces/{askTrace}?span={askSpan}");
        var spanAnnotation = page.Locator($"[data-section='span-annotations'] tr[data-annotation='{ScoreName}']").Filter(new() { HasText = "Cites the right handbook page." });
        await spanAnnotation.WaitForAsync();
        var spanText = await spanAnnotation.InnerTextAsync();
        Assert.Contains("0.90", spanText);
        Assert.Contains("good", spanText);
        Assert.Contains("human", spanText);

        var feedback = page.Locator("[data-section='trace-annotations'] tr[data-annotation='user.feedback']");
        await feedback.WaitForAsync();
        Assert.Contains(markup, await feedback.InnerTextAsync());
        Assert.Contains("thumbs_up", await feedback.InnerTextAsync());
        Assert.Equal(0, await page.Locator("#llmobs-injected").CountAsync());
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__llmobsXss"));
        Assert.True(await page.Locator($".span-row[data-span-id='{askSpan}'] .annotated").CountAsync() > 0);
        await page.Locator("[data-section='span-annotations']").ScrollIntoViewIfNeededAsync();
        await chromium.ScreenshotAsync("trace-annotations");

        Assert.Empty(chromium.Dialogs);
        Assert.Empty(chromium.Errors);
    }

    private static object Annotation((string TraceId, string SpanId) span, double score, string label, string explanation) => new
    {
        traceId = span.TraceId,
        spanId = span.SpanId,
        name = ScoreName,
        score,
        label,
        explanation,
        source = "human",
        identifier = "e2e-review",
    };

    private async Task AnnotateAsync(IEnumerable<object> annotations)
    {
        using var response = await playground.LlmObs.PostAsJsonAsync("/api/annotations", annotations.ToArray(), Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<List<(string Key, double? CostPerQuality)>> CostPerQualityAsync()
    {
        var rows = await playground.LlmObs.GetFromJsonAsync<JsonElement>(
            $"/api/annotations/aggregates/cost-per-quality?name={ScoreName}&by=feature&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}", Ct);
        return rows.EnumerateArray().Select(r => (
            r.GetProperty("key").GetString() ?? "",
            r.TryGetProperty("costPerQualityUsd", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : (double?)null)).ToList();
    }

    /// <summary>Calls the RAG service and waits until LlmObs has stored the request's chat spans; returns them.</summary>
    private async Task<List<(string TraceId, string SpanId)>> CallAndWaitForChatSpansAsync(string path, object body)
    {
        using var response = await playground.Rag.PostAsJsonAsync(path, body, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        var traceId = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("traceId").GetString()!;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(ArrivalTimeout);
        while (true)
        {
            using var trace = await playground.LlmObs.GetAsync($"/api/traces/{traceId}", timeout.Token);
            if (trace.IsSuccessStatusCode)
            {
                var spans = (await trace.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("spans").EnumerateArray().ToList();
                var chats = spans.Where(IsChat).Select(s => (traceId, s.GetProperty("spanId").GetString()!)).ToList();
                if (chats.Count > 0 && spans.Any(s => !s.TryGetProperty("parentSpanId", out var p) || p.ValueKind == JsonValueKind.Null))
                {
                    return chats;
                }
            }

            await Task.Delay(250, timeout.Token);
        }
    }

    private static bool IsChat(JsonElement span) =>
        span.TryGetProperty("llm", out var llm) && llm.TryGetProperty("operation", out var op) && op.GetString() == "chat";

    private static double Dollars(string text) => double.Parse(text.TrimStart('$'), CultureInfo.InvariantCulture);
}
