namespace LlmObs.Pricing;

/// <summary>
/// Prices from configuration, section <c>LlmObs:Pricing</c>: <c>Models:{name}:Input</c> (USD per token, like the
/// catalog) replaces or adds a model's prices, <c>Aliases:{deployment} = {model}</c> prices a name (an Azure OpenAI
/// deployment, a proxy's route) as a catalog model.
/// </summary>
/// <example>
/// <code>
/// "LlmObs": { "Pricing": {
///   "Models":  { "acme-finetune": { "Input": 0.000004, "Output": 0.000008 }, "gpt-4o": { "Input": 0.000002 } },
///   "Aliases": { "prod-chat": "azure/gpt-4o-mini" } } }
/// </code>
/// </example>
public sealed class PricingOptions
{
    /// <summary>Prices by model name. A price left out keeps the catalog's, for a model the catalog has.</summary>
    public IDictionary<string, ModelPriceOverride> Models { get; set; } = new Dictionary<string, ModelPriceOverride>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Names (deployments) priced as another model, e.g. <c>prod-chat</c> → <c>azure/gpt-4o-mini</c>.</summary>
    public IDictionary<string, string> Aliases { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Returns <paramref name="catalog"/> with these overrides and aliases, or the catalog itself when there are none.</summary>
    /// <param name="catalog">The catalog to start from, usually <see cref="PriceCatalog.Default"/>.</param>
    /// <exception cref="InvalidOperationException">A model the catalog lacks has no <see cref="ModelPriceOverride.Input"/> price.</exception>
    public PriceCatalog ApplyTo(PriceCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (Models.Count > 0)
        {
            var prices = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, change) in Models)
            {
                catalog.TryGetPrice(name, null, out var existing);
                var input = change.Input ?? existing?.Input
                    ?? throw new InvalidOperationException($"LlmObs:Pricing:Models:{name} is not in the price catalog, so it needs an Input price.");

                // The catalog's long-context and service tiers were relative to the prices replaced, so they go with them.
                prices[name] = new ModelPrice
                {
                    Provider = existing?.Provider,
                    Mode = change.Mode ?? existing?.Mode,
                    Input = input,
                    Output = change.Output ?? existing?.Output,
                    CacheRead = change.CacheRead ?? existing?.CacheRead,
                    CacheWrite = change.CacheWrite ?? existing?.CacheWrite,
                    CacheWrite1h = change.CacheWrite1h ?? existing?.CacheWrite1h,
                    Reasoning = change.Reasoning ?? existing?.Reasoning,
                    Tiers = change.HasPrices ? [] : existing?.Tiers ?? [],
                };
            }

            catalog = catalog.WithOverrides(prices);
        }

        if (Aliases.Count > 0)
        {
            catalog = catalog.WithAliases(new Dictionary<string, string>(Aliases, StringComparer.OrdinalIgnoreCase));
        }

        return catalog;
    }
}

/// <summary>A model's prices from configuration, in USD per token; those left null keep the catalog's.</summary>
public sealed class ModelPriceOverride
{
    /// <summary>Price of one fresh prompt token.</summary>
    public double? Input { get; set; }

    /// <summary>Price of one generated token.</summary>
    public double? Output { get; set; }

    /// <summary>Price of one prompt token read from the cache.</summary>
    public double? CacheRead { get; set; }

    /// <summary>Price of one prompt token written to the cache with the 5 minute lifetime.</summary>
    public double? CacheWrite { get; set; }

    /// <summary>Price of one prompt token written to the cache with the 1 hour lifetime.</summary>
    public double? CacheWrite1h { get; set; }

    /// <summary>Price of one reasoning token.</summary>
    public double? Reasoning { get; set; }

    /// <summary>"chat" (the default) or "embedding": embeddings are priced on input only.</summary>
    public string? Mode { get; set; }

    internal bool HasPrices => Input is not null || Output is not null || CacheRead is not null || CacheWrite is not null || CacheWrite1h is not null || Reasoning is not null;
}
