using System.Diagnostics;

namespace LlmObs.IngestLoad;

/// <summary>
/// Starts the real Aspire dashboard standalone, as the peer whose OTLP ingest rate LlmObs is measured against: the
/// binary the Aspire.Dashboard.Sdk package ships (the one an AppHost runs), unsecured, on free loopback ports.
/// </summary>
internal static class AspireDashboardLauncher
{
    private const string PackageId = "aspire.dashboard.sdk.linux-x64";

    /// <summary>The dashboard executable: <paramref name="explicitPath"/>, else the newest version in the NuGet package cache.</summary>
    public static string? Find(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? explicitPath : throw new FileNotFoundException("No Aspire dashboard there.", explicitPath);
        }

        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var root = Path.Combine(packages, PackageId);
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.EnumerateDirectories(root)
            .Select(d => (Directory: d, Version: Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : null))
            .Where(d => d.Version is not null && File.Exists(Path.Combine(d.Directory, "tools", "Aspire.Dashboard")))
            .OrderByDescending(d => d.Version)
            .Select(d => Path.Combine(d.Directory, "tools", "Aspire.Dashboard"))
            .FirstOrDefault();
    }

    /// <returns>The process and its OTLP/HTTP base address.</returns>
    public static async Task<(Process Dashboard, string OtlpUrl)> StartAsync(string executable)
    {
        var frontend = LoopbackProcess.FreePort();
        var otlp = LoopbackProcess.FreePort();
        var info = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(executable)!,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{frontend}";
        info.Environment["DASHBOARD__OTLP__HTTPENDPOINTURL"] = $"http://127.0.0.1:{otlp}";
        info.Environment["DASHBOARD__OTLP__AUTHMODE"] = "Unsecured";
        info.Environment["DASHBOARD__FRONTEND__AUTHMODE"] = "Unsecured";
        info.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        info.Environment["Logging__LogLevel__Default"] = "Warning";

        var dashboard = Process.Start(info)!;
        dashboard.OutputDataReceived += (_, _) => { };
        dashboard.ErrorDataReceived += (_, _) => { };
        dashboard.BeginOutputReadLine();
        dashboard.BeginErrorReadLine();

        var url = $"http://127.0.0.1:{otlp}";
        await LoopbackProcess.WaitUntilReadyAsync(dashboard, url, async http =>
        {
            // An empty export is a valid one: 200 once the OTLP endpoint is up.
            using var empty = new ByteArrayContent([]);
            empty.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-protobuf");
            return await http.PostAsync("/v1/traces", empty);
        }, "The Aspire dashboard's OTLP endpoint");
        return (dashboard, url);
    }
}
