using System.Diagnostics;
using Xunit.Sdk;

namespace Aspire.Hosting.LlmObs.Tests.Consumer;

/// <summary>
/// What someone who only installed the NuGet packages gets: both packages are packed to a local feed, a fresh
/// AppHost, service and test project that reference nothing but those packages are written to a temp folder,
/// and that test runs the app through Aspire.Hosting.Testing (DCP, the real dashboard, no Docker) and finds the
/// priced LLM span in LlmObs and in the dashboard.
/// </summary>
public sealed class ConsumerPackageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task A_fresh_AppHost_using_only_the_packages_gets_priced_LLM_spans_in_LlmObs_and_the_dashboard()
    {
        var repository = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("llmobs-consumer-");
        try
        {
            // A version of its own, so the global package cache never serves an older build of the same version.
            var version = $"0.1.0-consumer.{DateTime.UtcNow:yyyyMMddHHmmss}";
            var feed = Path.Combine(work.FullName, "feed");
            foreach (var project in new[] { "src/Aspire.Hosting.LlmObs", "src/LlmObs.ServiceDefaults" })
            {
                await RunAsync(repository, "dotnet", "pack", Path.Combine(repository, project), "-c", "Release", "-o", feed, $"-p:Version={version}");
            }

            ConsumerTemplate.WriteTo(work.FullName, feed, version);
            await RunAsync(work.FullName, "dotnet", "test", "--project", Path.Combine(work.FullName, "Consumer.Tests"));
        }
        finally
        {
            TryDelete(work);
        }
    }

    private async Task RunAsync(string workingDirectory, string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // The outer test run's settings must not leak into the consumer's build and test run.
        foreach (var variable in new[] { "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "DOTNET_HOST_PATH" })
        {
            start.Environment.Remove(variable);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new XunitException($"'{fileName} {string.Join(' ', arguments)}' did not finish in {CommandTimeout}.");
        }

        var log = await stdout + await stderr;
        output.WriteLine($"$ {fileName} {string.Join(' ', arguments)}\n{Tail(log)}");
        if (process.ExitCode != 0)
        {
            throw new XunitException($"'{fileName} {string.Join(' ', arguments)}' exited with {process.ExitCode}:\n{Tail(log)}");
        }
    }

    /// <summary>The first failure or error of a long log, and its end: where a reader of a red run looks.</summary>
    private static string Tail(string log)
    {
        if (log.Length <= 8000)
        {
            return log;
        }

        var failure = log.IndexOf("failed ", StringComparison.Ordinal) is var f and >= 0 ? f : log.IndexOf(" error ", StringComparison.Ordinal);
        var head = failure >= 0 ? log.Substring(failure, Math.Min(4000, log.Length - failure)) + "\n…\n" : "";
        return head + log[^4000..];
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

        throw new InvalidOperationException("The test does not run from inside the LlmObs repository.");
    }

    private static void TryDelete(DirectoryInfo directory)
    {
        try
        {
            directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A process of the consumer run still held a file; the temp folder is cleaned by the OS.
        }
    }
}
