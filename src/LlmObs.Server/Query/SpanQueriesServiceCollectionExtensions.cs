using LlmObs.Server.Query.DuckDb;
using LlmObs.Server.Query.Postgres;
using LlmObs.Server.Query.Sql;
using LlmObs.Server.Storage;
using Microsoft.Extensions.Options;

namespace LlmObs.Server.Query;

internal static class SpanQueriesServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ISpanQueries"/> for the engine <c>LlmObs:Storage:Provider</c> names.</summary>
    public static IServiceCollection AddSpanQueries(this IServiceCollection services)
    {
        // Factories, not types: only the configured engine's store is registered, so only its source may be built.
        services.AddSingleton(sp => new DuckDbQuerySource(sp.GetRequiredService<Storage.DuckDb.DuckDbSpanStore>()));
        services.AddSingleton(sp => new PostgresQuerySource(sp.GetRequiredService<IOptions<StorageOptions>>()));
        services.AddSingleton<ISpanQueries>(sp =>
        {
            var provider = sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
            ISqlConnectionSource source = provider.StartsWith(StorageProviders.Postgres, StringComparison.OrdinalIgnoreCase)
                ? sp.GetRequiredService<PostgresQuerySource>()
                : sp.GetRequiredService<DuckDbQuerySource>();
            return new SqlSpanQueries(source);
        });
        return services;
    }
}
