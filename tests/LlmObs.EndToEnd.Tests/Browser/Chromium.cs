using Microsoft.Playwright;

namespace LlmObs.EndToEnd.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright, one per test. Playwright's own browser builds are never used (this
/// machine cannot download them): eng/test.sh installs the distribution's package at /usr/bin/chromium.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Chromium(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>Every console error and page error, so a test can assert the pages ran cleanly (CSP violations show here).</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Every alert/confirm/prompt the page opened: there must never be one.</summary>
    public List<string> Dialogs { get; } = [];

    public static async Task<Chromium> LaunchAsync(Uri baseAddress)
    {
        Assert.SkipUnless(File.Exists(ExecutablePath), $"{ExecutablePath} is not installed (eng/test.sh installs Debian's chromium).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var chromium = new Chromium(playwright, browser, page);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (chromium.Errors) chromium.Errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => { lock (chromium.Errors) chromium.Errors.Add(error); };
        page.Dialog += async (_, dialog) =>
        {
            lock (chromium.Dialogs) chromium.Dialogs.Add($"{dialog.Type}: {dialog.Message}");
            await dialog.DismissAsync();
        };
        return chromium;
    }

    /// <summary>Saves a full-page screenshot to artifacts/screenshots and attaches it to the test result.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var bytes = await Page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        var directory = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(directory);
        await File.WriteAllBytesAsync(Path.Combine(directory, name + ".png"), bytes);
        TestContext.Current.AddAttachment(name + ".png", bytes, "image/png");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LlmObs.sln")))
            {
                return directory.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
