using System.Diagnostics;

namespace LlmObs.IngestLoad;

/// <summary>Starts the Release build of LlmObs.Server on a free loopback port with the engine asked for.</summary>
internal static class ServerLauncher
{
    /// <param name="serverDll">A server build elsewhere (say, a copy of an older commit's, to compare); the repository's Release build when null.</param>
    public static async Task<(Process Server, string Url)> StartAsync(string engine, string dataDirectory, string? postgres, string? serverDll = null)
    {
        var dll = serverDll is not null ? Path.GetFullPath(serverDll) : RepositoryBuild();
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build the server first: dotnet build -c Release src/LlmObs.Server", dll);
        }

        var port = LoopbackProcess.FreePort();

        var info = new ProcessStartInfo("dotnet") { ArgumentList = { dll, "--urls", $"http://127.0.0.1:{port}" }, UseShellExecute = false };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["LlmObs__DataDirectory"] = dataDirectory;
        info.Environment["LlmObs__Storage__Provider"] = engine;
        if (postgres is not null)
        {
            info.Environment["LlmObs__Storage__ConnectionString"] = postgres;
        }

        var server = Process.Start(info)!;
        var url = $"http://127.0.0.1:{port}";
        await LoopbackProcess.WaitUntilReadyAsync(server, url, http => http.GetAsync("/health"), "LlmObs.Server");
        return (server, url);
    }

    private static string RepositoryBuild()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "LlmObs.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd('/')) ?? throw new InvalidOperationException("Run from inside the repository.");
        }

        return Path.Combine(root, "src/LlmObs.Server/bin/Release/net10.0/LlmObs.Server.dll");
    }
}
