using System.Data.Common;

namespace LlmObs.Playground.RagApi.Providers;

/// <summary>
/// Where to reach OpenAI (or a compatible endpoint): from <c>OpenAI:ApiKey</c> and <c>OpenAI:Endpoint</c>, or from the
/// <c>openai</c> connection string an AppHost passes (<c>Endpoint=…;Key=…</c>, or just the key).
/// </summary>
internal sealed record OpenAIConnection(string ApiKey, Uri? Endpoint)
{
    public static OpenAIConnection? FromConfiguration(IConfiguration configuration)
    {
        var apiKey = configuration["OpenAI:ApiKey"];
        var endpoint = configuration["OpenAI:Endpoint"];

        if (string.IsNullOrWhiteSpace(apiKey) && configuration.GetConnectionString("openai") is { Length: > 0 } connectionString)
        {
            if (connectionString.Contains('=', StringComparison.Ordinal))
            {
                var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
                apiKey = parts.TryGetValue("Key", out var key) ? key?.ToString() : null;
                endpoint = parts.TryGetValue("Endpoint", out var url) ? url?.ToString() : endpoint;
            }
            else
            {
                apiKey = connectionString;
            }
        }

        if (string.IsNullOrWhiteSpace(apiKey))
        {
            return null;
        }

        return new OpenAIConnection(apiKey, string.IsNullOrWhiteSpace(endpoint) ? null : new Uri(endpoint, UriKind.Absolute));
    }
}
