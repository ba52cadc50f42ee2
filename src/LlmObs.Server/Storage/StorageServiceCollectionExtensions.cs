using LlmObs.Server.Storage.DuckDb;
using LlmObs.Server.Storage.Maintenance;
using LlmObs.Server.Storage.Postgres;
using LlmObs.Server.Storage.Retention;
using LlmObs.Server.Storage.Rollups;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlmObs.Server.Storage;

internal static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the store chosen by <c>LlmObs:Storage:Provider</c> (<c>duckdb</c> by default, or <c>postgres</c>)
    /// as <see cref="ISpanStore"/>, started and stopped with the host, the retention service and the rollup service.
    /// </summary>
    public static IServiceCollection AddSpanStore(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(StorageOptions.SectionName);
        services.Configure<StorageOptions>(section);
        services.PostConfigure<StorageOptions>(o =>
            o.ConnectionString = string.IsNullOrWhiteSpace(o.ConnectionString) ? configuration.GetConnectionString("llmobs") : o.ConnectionString);
        services.TryAddSingleton(TimeProvider.System);

        var provider = section[nameof(StorageOptions.Provider)] ?? StorageProviders.DuckDb;
        if (provider.Equals(StorageProviders.Postgres, StringComparison.OrdinalIgnoreCase) || provider.Equals("postgresql", StringComparison.OrdinalIgnoreCase))
        {
            Register<PostgresSpanStore>(services);
            services.AddSingleton<IRollupStore, PostgresRollupStore>();
        }
        else if (provider.Equals(StorageProviders.DuckDb, StringComparison.OrdinalIgnoreCase))
        {
            Register<DuckDbSpanStore>(services);
            services.AddSingleton<IRollupStore>(sp => new DuckDbRollupStore(sp.GetRequiredService<DuckDbSpanStore>()));
        }
        else
        {
            throw new InvalidOperationException($"LlmObs:Storage:Provider '{provider}' is not known; use '{StorageProviders.DuckDb}' or '{StorageProviders.Postgres}'.");
        }

        services.AddHostedService<RetentionService>();
        services.AddSingleton(sp => new RollupJob(sp.GetRequiredService<IRollupStore>(), sp.GetRequiredService<IOptions<StorageOptions>>().Value.Rollups));
        services.AddHostedService<RollupService>();
        return services;
    }

    private static void Register<TStore>(IServiceCollection services) where TStore : class, ISpanStore, IRetentionTarget, IStoreMaintenance, IHostedService
    {
        services.AddSingleton<TStore>();
        services.AddSingleton<ISpanStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IRetentionTarget>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IStoreMaintenance>(sp => sp.GetRequiredService<TStore>());
        services.AddHostedService(sp => sp.GetRequiredService<TStore>());
    }
}
