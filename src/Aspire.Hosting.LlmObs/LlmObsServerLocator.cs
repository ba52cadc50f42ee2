using System.Reflection;

namespace Aspire.Hosting;

/// <summary>Finds the LlmObs server assembly the resource runs.</summary>
internal static class LlmObsServerLocator
{
    private const string ServerAssemblyName = "LlmObs.Server.dll";

    /// <summary>
    /// In order: an explicit path (configuration <c>LlmObs:ServerPath</c>); the server shipped beside this
    /// assembly in <c>llmobs-server/</c>; the server built next to this project in the repository.
    /// </summary>
    public static string Locate(string? configuredPath)
    {
        if (!string.IsNullOrEmpty(configuredPath))
        {
            return File.Exists(configuredPath)
                ? Path.GetFullPath(configuredPath)
                : throw new FileNotFoundException($"LlmObs:ServerPath points at '{configuredPath}', which does not exist.", configuredPath);
        }

        var beside = Path.Combine(AppContext.BaseDirectory, "llmobs-server", ServerAssemblyName);
        if (File.Exists(beside))
        {
            return beside;
        }

        var built = typeof(LlmObsServerLocator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "LlmObsServerPath")?.Value;
        if (built is not null && File.Exists(built))
        {
            return built;
        }

        throw new FileNotFoundException(
            $"The LlmObs server ({ServerAssemblyName}) was not found beside the AppHost or at '{built}'. Build LlmObs.Server or set LlmObs:ServerPath.");
    }
}
