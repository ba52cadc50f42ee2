using LlmObs.Pricing;

namespace LlmObs.Server.Storage.Maintenance;

/// <summary>Implemented by each engine: the operations behind the AppHost's "clear" and "recompute costs" commands.</summary>
internal interface IStoreMaintenance
{
    /// <summary>Removes every stored span and its content; returns how many spans were removed.</summary>
    Task<long> ClearAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Prices again, with <paramref name="catalog"/>, every span the server priced or could not price. Costs a service
    /// computed or a provider reported are the sender's word and are kept. Returns how many spans got a cost.
    /// </summary>
    Task<long> RecomputeCostsAsync(PriceCatalog catalog, CancellationToken cancellationToken);
}
