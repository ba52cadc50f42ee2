using LlmObs.Annotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers <see cref="LlmObsAnnotationClient"/>.</summary>
public static class AnnotationClientExtensions
{
    /// <summary>The configuration key of the LlmObs server's API key.</summary>
    public const string ApiKeySetting = "LlmObs:ApiKey";

    private const string ApiKeyHeader = "x-api-key";

    /// <summary>
    /// Registers <see cref="LlmObsAnnotationClient"/> as a typed HTTP client whose base address is
    /// <c>http://{serviceName}</c>, resolved by service discovery from what the AppHost's <c>WithReference(llmobs)</c>
    /// gives the service (<c>services__llmobs__http__0</c>). <c>LlmObs:Endpoint</c> in configuration overrides it
    /// (e.g. <c>http://localhost:5080</c> outside Aspire). When <c>LlmObs:ApiKey</c> is configured (a server that
    /// requires a key: one set on it, or one exposed beyond loopback), every request sends it as <c>x-api-key</c>.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="serviceName">The LlmObs resource's name in the AppHost.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static TBuilder AddLlmObsAnnotationClient<TBuilder>(this TBuilder builder, string serviceName = "llmobs") where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var endpoint = builder.Configuration["LlmObs:Endpoint"] is { Length: > 0 } configured ? configured : $"http://{serviceName}";
        builder.Services.AddServiceDiscovery();
        builder.Services.AddHttpClient<LlmObsAnnotationClient>((services, http) =>
            {
                http.BaseAddress = new Uri(endpoint);
                // Read when the client is made, so a key from a secret store loaded after registration is used too.
                if (services.GetService<IConfiguration>()?[ApiKeySetting] is { Length: > 0 } apiKey)
                {
                    http.DefaultRequestHeaders.Add(ApiKeyHeader, apiKey);
                }
            })
            .AddServiceDiscovery();
        return builder;
    }
}
