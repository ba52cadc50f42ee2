using LlmObs.Server.Ingest;
using LlmObs.Server.Storage;

namespace LlmObs.Server.Sampling;

internal static class SamplingServiceCollectionExtensions
{
    /// <summary>
    /// With <c>LlmObs:Sampling:Enabled</c>, puts the tail sampler in front of the store registered by
    /// <c>AddSpanStore</c>: every write goes through it, every read still reaches the store.
    /// </summary>
    public static IServiceCollection AddTailSampling(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(TailSamplingOptions.SectionName);
        services.Configure<TailSamplingOptions>(section);
        if (!section.GetValue<bool>(nameof(TailSamplingOptions.Enabled)))
        {
            return services;
        }

        services.AddSingleton(sp => new TailSampler<SpanRecord>(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<TailSamplingOptions>>().Value,
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));

        // The sampler takes the engine's place as ISpanStore and wraps it. The engine's registration is moved, not
        // looked up through ISpanStore, which would resolve the sampler itself.
        var engine = services.Last(d => d.ServiceType == typeof(ISpanStore));
        services.Remove(engine);
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<TailSamplingStore>(sp, Resolve(engine, sp)));
        services.AddSingleton<ISpanStore>(sp => sp.GetRequiredService<TailSamplingStore>());
        services.AddHostedService(sp => sp.GetRequiredService<TailSamplingStore>());
        return services;
    }

    private static ISpanStore Resolve(ServiceDescriptor engine, IServiceProvider services) =>
        (ISpanStore)(engine.ImplementationInstance
            ?? engine.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.GetServiceOrCreateInstance(services, engine.ImplementationType!));
}
