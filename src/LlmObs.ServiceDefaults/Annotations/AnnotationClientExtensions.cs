using LlmObs.Annotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers <see cref="LlmObsAnnotationClient"/>.</summary>
public static class AnnotationClientExtensions
{
    /// <summary>
    /// Registers <see cref="LlmObsAnnotationClient"/> as a typed HTTP client whose base address is
    /// <c>http://{serviceName}</c>, resolved by service discovery from what the AppHost's <c>WithReference(llmobs)</c>
    /// gives the service (<c>services__llmobs__http__0</c>). <c>LlmObs:Endpoint</c> in configuration overrides it
    /// (e.g. <c>http://localhost:5080</c> outside Aspire).
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
        builder.Services.AddHttpClient<LlmObsAnnotationClient>(http => http.BaseAddress = new Uri(endpoint))
            .AddServiceDiscovery();
        return builder;
    }
}
