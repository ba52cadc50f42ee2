using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace LlmObs.EndToEnd.Tests.Browser;

/// <summary>
/// The LlmObs UI as a person uses it, in a real browser against the running playground: find the trace of a
/// question in the list, open it, read the conversation, tokens and cost; open the cost dashboard; and make
/// sure HTML a user typed into a prompt is shown as text and never runs.
/// </summary>
[Collection(PlaygroundCollection.Name)]
public sealed class UiBrowserTests(PlaygroundFixture playground)
{
    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_question_can_be_followed_from_the_traces_list_to_its_conversation_tokens_and_cost()
    {
        const string question = "How long do refunds take for annual plans?";
        var traceId = await AskAndWaitForTraceAsync(question);
        await using var chromium = await Chromium.LaunchAsync(playground.LlmObs.BaseAddress!);
        var page = chromium.Page;

        var response = await page.GotoAsync("/traces");
        Assert.Contains("script-src 'self'", response!.Headers["content-security-policy"]);
        var row = page.Locator($"tr[data-trace-id='{traceId}']");
        await row.WaitForAsync();
        Assert.Matches(@"\$\d", await row.Locator("td").Nth(7).InnerTextAsync()); // cost column
        await chromium.ScreenshotAsync("traces");

        await row.Locator("a").ClickAsync();
        await page.WaitForURLAsync($"**/traces/{traceId}**");
        var userMessage = page.Locator(".message[data-role='user']").First;
        await userMessage.WaitForAsync();
        Assert.Contains(question, await userMessage.InnerTextAsync());
        await page.Locator(".message[data-role='assistant']").First.WaitForAsync();
        await page.Locator(".message[data-role='system']").First.WaitForAsync();

        var inputTokens = await page.Locator("[data-stat='input-tokens'] .value").InnerTextAsync();
        Assert.True(long.Parse(inputTokens.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture) > 0);
        var cost = await page.Locator("[data-field='cost']").InnerTextAsync();
        Assert.Matches(@"^\$0\.0*[1-9]", cost);
        Assert.Contains("Input tokens", await page.Locator("[data-section='usage']").InnerTextAsync());
        await chromium.ScreenshotAsync("trace-chat");

        // The retrieval span shows the documents it returned, with scores.
        await page.Locator(".span-row[data-kind='retrieval']").First.ClickAsync();
        var documents = page.Locator("[data-section='documents'] tbody tr");
        await documents.First.WaitForAsync();
        Assert.True(await documents.CountAsync() > 0);
        await chromium.ScreenshotAsync("trace-retrieval");

        Assert.Empty(chromium.Errors);
    }

    [Fact]
    public async Task The_cost_dashboard_shows_every_chart_with_data()
    {
        await AskAndWaitForTraceAsync("Which plans include SSO?");
        await using var chromium = await Chromium.LaunchAsync(playground.LlmObs.BaseAddress!);
        var page = chromium.Page;

        await page.GotoAsync("/dashboard");
        var charts = page.Locator("[data-chart]");
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('[data-chart]')].every(c => c.dataset.state === 'data')",
            null, new PageWaitForFunctionOptions { Timeout = 30_000 });

        Assert.Equal(9, await charts.CountAsync());
        foreach (var name in new[] { "cost-per-day-feature", "cost-per-day-user", "cost-per-call", "cache-hit-rate", "cost-by-model", "latency", "tokens-over-time", "top-calls", "error-rate" })
        {
            var chart = page.Locator($"[data-chart='{name}'] .chart");
            Assert.True(await chart.Locator("svg, .hbars, table").CountAsync() > 0, $"{name} drew nothing");
        }

        Assert.StartsWith("$", await page.Locator("[data-kpi='cost'] .value").InnerTextAsync());
        Assert.True(await page.Locator("[data-chart='top-calls'] tbody tr").CountAsync() > 0);
        await chromium.ScreenshotAsync("dashboard");
        Assert.Empty(chromium.Errors);
    }

    [Fact]
    public async Task A_session_lists_its_traces_and_each_trace_links_back_to_it()
    {
        var session = "chat-" + Guid.NewGuid().ToString("N")[..8];
        var first = await AskAndWaitForTraceAsync("Can I carry over unused vacation days?", session);
        var second = await AskAndWaitForTraceAsync("And how many days at most?", session);
        var elsewhere = await AskAndWaitForTraceAsync("Which plans include SSO?");
        await using var chromium = await Chromium.LaunchAsync(playground.LlmObs.BaseAddress!);
        var page = chromium.Page;

        // The sessions page: the session with its two traces, opening the traces list filtered to it.
        await page.GotoAsync("/sessions");
        var row = page.Locator($"tr[data-session='{session}']");
        await row.WaitForAsync();
        Assert.Equal("2", await row.Locator("td").Nth(3).InnerTextAsync()); // traces column
        await chromium.ScreenshotAsync("sessions");
        await row.Locator("a").ClickAsync();
        await page.WaitForURLAsync("**/traces?session=*");
        await page.Locator($"tr[data-trace-id='{first}']").WaitForAsync();
        await page.Locator($"tr[data-trace-id='{second}']").WaitForAsync();
        Assert.Equal(2, await page.Locator("#traces-body tr").CountAsync());
        Assert.Equal(0, await page.Locator($"tr[data-trace-id='{elsewhere}']").CountAsync());
        Assert.Equal(session, await page.InputValueAsync("#session"));
        await chromium.ScreenshotAsync("traces-session");

        // A trace's page names its session and links to the same list.
        await page.GotoAsync($"/traces/{second}");
        var link = page.Locator("[data-stat='session'] a");
        await link.WaitForAsync();
        Assert.Equal(session, await link.InnerTextAsync());
        await chromium.ScreenshotAsync("trace-session");
        await link.ClickAsync();
        await page.WaitForURLAsync("**/traces?session=*");
        await page.Locator($"tr[data-trace-id='{first}']").WaitForAsync();
        Assert.Empty(chromium.Errors);
    }

    [Fact]
    public async Task Html_and_script_in_a_prompt_are_shown_as_text_and_run_nothing()
    {
        const string payload = "<script>window.__llmobsXss = 1; alert('script')</script>"
            + "<img src=x onerror=\"window.__llmobsXss = 2; alert('img')\">"
            + "<b id=\"llmobs-injected\">bold</b> How long do refunds take?";
        var traceId = await AskAndWaitForTraceAsync(payload);
        await using var chromium = await Chromium.LaunchAsync(playground.LlmObs.BaseAddress!);
        var page = chromium.Page;

        await page.GotoAsync($"/traces/{traceId}");
        var userMessage = page.Locator(".message[data-role='user']").First;
        await userMessage.WaitForAsync();
        Assert.Contains("<script>window.__llmobsXss = 1; alert('script')</script>", await userMessage.InnerTextAsync());
        Assert.Contains("<img src=x onerror=", await userMessage.InnerTextAsync());

        await page.WaitForTimeoutAsync(500); // give an onerror handler time to fire, if anything had been injected

        Assert.Empty(chromium.Dialogs);
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__llmobsXss"));
        Assert.Equal(0, await page.Locator("#llmobs-injected").CountAsync());
        Assert.Equal(0, await page.Locator(".span-detail script, .span-detail img").CountAsync());
        await userMessage.EvaluateAsync("el => el.scrollIntoView({ block: 'end' })"); // the question ends the message
        await chromium.ScreenshotAsync("trace-html-payload");
    }

    private async Task<string> AskAndWaitForTraceAsync(string question, string? conversationId = null)
    {
        using var response = await playground.Rag.PostAsJsonAsync("/ask", new { question, userId = "user-ui", conversationId });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var traceId = body.GetProperty("traceId").GetString()!;

        using var timeout = new CancellationTokenSource(ArrivalTimeout);
        while (true)
        {
            using var trace = await playground.LlmObs.GetAsync($"/api/traces/{traceId}", timeout.Token);
            if (trace.IsSuccessStatusCode)
            {
                var spans = (await trace.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("spans");
                if (spans.EnumerateArray().Any(IsChat) && spans.EnumerateArray().Any(s => ParentOf(s) is null))
                {
                    return traceId;
                }
            }

            await Task.Delay(250, timeout.Token);
        }
    }

    private static bool IsChat(JsonElement span) =>
        span.TryGetProperty("llm", out var llm) && llm.TryGetProperty("operation", out var op) && op.GetString() == "chat";

    private static string? ParentOf(JsonElement span) =>
        span.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() : null;
}
