using Microsoft.Playwright;

namespace LlmObs.EndToEnd.Tests.Browser;

/// <summary>
/// A team's shared server requires an API key (LlmObs:ApiKey): its pages ask for the key once, send it with every
/// API call, and say so when the server refuses it.
/// </summary>
public sealed class ApiKeyBrowserTests
{
    private const string Key = "team-key-7f3a";

    [Fact]
    public async Task The_pages_of_a_server_that_requires_a_key_ask_for_it_once_and_send_it_with_every_call()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var server = await LlmObsServerProcess.StartAsync(new Dictionary<string, string> { ["LlmObs:ApiKey"] = Key }, cancellationToken);
        using (var http = new HttpClient { BaseAddress = server.BaseAddress })
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync("/api/traces", cancellationToken)).StatusCode);
        }

        await using var chromium = await Chromium.LaunchAsync(server.BaseAddress);
        var page = chromium.Page;
        var keysSent = new List<string?>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/", StringComparison.Ordinal))
            {
                lock (keysSent) keysSent.Add(request.Headers.GetValueOrDefault("x-api-key"));
            }
        };

        await page.GotoAsync("/traces");
        var dialog = page.Locator("dialog[data-dialog='api-key']");
        await dialog.WaitForAsync();
        await chromium.ScreenshotAsync("api-key-dialog");

        // A wrong key is refused, and the dialog says so.
        await dialog.Locator("input[name='apiKey']").FillAsync("not-the-key");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Alert).WaitForAsync();
        Assert.Contains("refused", await dialog.GetByRole(AriaRole.Alert).InnerTextAsync());

        await dialog.Locator("input[name='apiKey']").FillAsync(Key);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Locator("#traces-empty").WaitForAsync();
        Assert.True(await page.Locator("#traces-error").IsHiddenAsync());

        // The key stays for the tab: the dashboard loads without asking again.
        await page.GotoAsync("/dashboard");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Equal(0, await page.Locator("dialog[data-dialog='api-key']").CountAsync());
        lock (keysSent)
        {
            Assert.Contains(Key, keysSent);
            Assert.All(keysSent.SkipWhile(k => k != Key), k => Assert.Equal(Key, k));
        }

        Assert.Empty(chromium.Dialogs);
        // Chromium logs each refused call ("… status of 401"); nothing else may fail.
        Assert.DoesNotContain(chromium.Errors, e => !e.Contains("401", StringComparison.Ordinal));
    }
}
