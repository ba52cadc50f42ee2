using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace LlmObs.EndToEnd.Tests;

/// <summary>
/// The whole playground, started once for the tests that share it: the AppHost with LlmObs, the RAG service
/// on the simulated model and the real Aspire dashboard (with its telemetry API), all through DCP.
/// </summary>
public sealed class PlaygroundFixture : IAsyncLifetime
{
    public const string DashboardApiKey = "llmobs-e2e-dashboard-key";

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("llmobs-e2e-").FullName;
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The playground has not started.");

    public HttpClient Rag { get; private set; } = null!;

    public HttpClient LlmObs { get; private set; } = null!;

    public HttpClient Dashboard { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.LlmObs_Playground_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true },
            [],
            timeout.Token);

        // The dashboard's telemetry API is what the tests read back; give it a key they know.
        appHost.Configuration["AppHost:DashboardApiKey"] = DashboardApiKey;

        appHost.CreateResourceBuilder<LlmObsResource>("llmobs").WithDataDirectory(_dataDirectory);
        appHost.CreateResourceBuilder<ProjectResource>("rag").WithEnvironment("Simulation__LatencyScale", "0.05");

        _app = await appHost.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("llmobs", timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("rag", timeout.Token);

        Rag = _app.CreateHttpClient("rag");
        LlmObs = _app.CreateHttpClient("llmobs");

        var dashboardUrl = await _app.GetDashboardUrlAsync(timeout.Token);
        Dashboard = new HttpClient { BaseAddress = new Uri(dashboardUrl.GetLeftPart(UriPartial.Authority)) };
        Dashboard.DefaultRequestHeaders.Add("x-api-key", DashboardApiKey);
    }

    public async ValueTask DisposeAsync()
    {
        Rag?.Dispose();
        LlmObs?.Dispose();
        Dashboard?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file the server still held; the temp directory is cleaned by the OS.
        }
    }
}
