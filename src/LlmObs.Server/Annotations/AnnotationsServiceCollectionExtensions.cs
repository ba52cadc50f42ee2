using LlmObs.Server.Annotations.Api;
using LlmObs.Server.Annotations.Quality;
using LlmObs.Server.Annotations.Store;
using LlmObs.Server.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LlmObs.Server.Annotations;

internal static class AnnotationsServiceCollectionExtensions
{
    /// <summary>Registers the annotation store on the engine <c>LlmObs:Storage:Provider</c> names (the spans' engine).</summary>
    public static IServiceCollection AddAnnotations(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        // Factories, not types: only the configured engine's span store exists, so only its database may be built.
        services.AddSingleton<IAnnotationDatabase>(sp =>
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider.StartsWith(StorageProviders.Postgres, StringComparison.OrdinalIgnoreCase)
                ? new PostgresAnnotationDatabase(sp.GetRequiredService<IOptions<StorageOptions>>())
                : new DuckDbAnnotationDatabase(sp.GetRequiredService<Storage.DuckDb.DuckDbSpanStore>()));
        services.AddSingleton<IAnnotationStore, SqlAnnotationStore>();
        return services;
    }

    /// <summary>
    /// Maps the annotation API (<c>/api/annotations</c>), the quality aggregates, and the Langfuse
    /// (<c>/api/public/scores</c>, <c>/api/public/ingestion</c>) and Phoenix (<c>/v1/span_annotations</c>) shapes.
    /// </summary>
    public static IEndpointRouteBuilder MapAnnotations(this IEndpointRouteBuilder app)
    {
        AnnotationEndpoints.Map(app);
        QualityEndpoints.Map(app);
        LangfuseEndpoints.Map(app);
        PhoenixEndpoints.Map(app);
        return app;
    }
}
