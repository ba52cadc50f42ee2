namespace LlmObs.Pricing;

/// <summary>
/// The catalog pipelines price with when their options name none: the bundled one, with the overrides and aliases
/// of <c>LlmObs:Pricing</c> once <c>AddLlmObservabilityDefaults()</c> has read them.
/// </summary>
internal static class LlmObsPricing
{
    private static PriceCatalog? _catalog;

    public static PriceCatalog Catalog
    {
        get => Volatile.Read(ref _catalog) ?? PriceCatalog.Default;
        set => Volatile.Write(ref _catalog, value);
    }
}
