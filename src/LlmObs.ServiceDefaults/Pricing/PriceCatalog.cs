using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmObs.Pricing;

/// <summary>
/// Model prices by name, and the cost of a call from its model name and tokens.
/// Immutable and thread-safe; <see cref="WithOverrides"/> and <see cref="WithAliases"/> return new catalogs.
/// </summary>
/// <remarks>
/// A model name is matched, case-insensitively, trying in turn: the provider-qualified key
/// ("gemini" + "gemini-2.5-pro" → "gemini/gemini-2.5-pro", because a provider's own entry carries its own price),
/// the name itself, then the name with a leading "provider/" prefix removed, and last of all the name without
/// a snapshot suffix ("-2024-07-18", "-20240718", "@20240718", "-latest").
/// There is no prefix matching: "gpt-4o" never matches "gpt-4o-mini". An unmatched model has no price.
/// </remarks>
public sealed class PriceCatalog
{
    private const string BundledResource = "LlmObs.Pricing.price-catalog.json";

    // Model names come from telemetry, so the cache must not grow without bound on odd names.
    private const int MaxCachedNames = 4096;

    // OpenTelemetry gen_ai.provider.name values that the price table spells differently.
    private static readonly FrozenDictionary<string, string> TablePrefixes = new Dictionary<string, string>
    {
        ["aws.bedrock"] = "bedrock",
        ["azure.ai.inference"] = "azure_ai",
        ["az.ai.inference"] = "azure_ai",
        ["azure.ai.openai"] = "azure",
        ["az.ai.openai"] = "azure",
        ["gcp.gemini"] = "gemini",
        ["gcp.gen_ai"] = "gemini",
        ["gcp.vertex_ai"] = "vertex_ai",
        ["ibm.watsonx.ai"] = "watsonx",
        ["mistral_ai"] = "mistral",
        ["x_ai"] = "xai",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly Lazy<PriceCatalog> Bundled = new(() =>
    {
        using var stream = typeof(PriceCatalog).Assembly.GetManifestResourceStream(BundledResource)
            ?? throw new InvalidOperationException($"The embedded resource {BundledResource} is missing.");
        return Load(stream);
    });

    private readonly FrozenDictionary<string, ModelPrice> _prices;
    private readonly FrozenDictionary<string, ModelPrice>.AlternateLookup<ReadOnlySpan<char>> _pricesBySpan;
    private readonly FrozenDictionary<string, string> _aliases;
    private readonly ConcurrentDictionary<(string Model, string? Provider), ModelPrice?> _resolved = new();
    private int _resolvedCount;

    private PriceCatalog(string version, FrozenDictionary<string, ModelPrice> prices, FrozenDictionary<string, string> aliases)
    {
        Version = version;
        _prices = prices;
        _pricesBySpan = prices.GetAlternateLookup<ReadOnlySpan<char>>();
        _aliases = aliases;
    }

    /// <summary>The catalog bundled with LlmObs, built from the LiteLLM price table. Loaded once, on first use.</summary>
    public static PriceCatalog Default => Bundled.Value;

    /// <summary>Where the prices come from and as of when, e.g. "litellm-2026-07-24"; "+overrides" is appended when some were replaced.</summary>
    public string Version { get; }

    /// <summary>Reads a catalog in the format of the bundled price-catalog.json.</summary>
    /// <param name="json">The catalog document; left open.</param>
    /// <exception cref="JsonException">The document is not a price catalog.</exception>
    public static PriceCatalog Load(Stream json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var document = JsonSerializer.Deserialize(json, PricingJsonContext.Default.CatalogDocument);
        if (document?.Models is null || string.IsNullOrEmpty(document.Source) || string.IsNullOrEmpty(document.Version))
        {
            throw new JsonException("A price catalog needs \"source\", \"version\" and \"models\".");
        }

        return new PriceCatalog($"{document.Source}-{document.Version}", Freeze(document.Models, []), FrozenDictionary<string, string>.Empty);
    }

    /// <summary>Returns a catalog in which <paramref name="overrides"/> replace or add prices by model key.</summary>
    /// <param name="overrides">Prices keyed by model name, matched like the catalog's own keys.</param>
    public PriceCatalog WithOverrides(IReadOnlyDictionary<string, ModelPrice> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var version = Version.EndsWith("+overrides", StringComparison.Ordinal) ? Version : Version + "+overrides";
        return new PriceCatalog(version, Freeze(_prices, overrides), _aliases);
    }

    /// <summary>
    /// Returns a catalog that prices a name as another model, e.g. an Azure OpenAI deployment name
    /// ("prod-chat" → "azure/gpt-4o"). The target is then matched as usual.
    /// </summary>
    /// <param name="aliases">Model names (case-insensitive) mapped to the model they stand for; these win over existing aliases.</param>
    public PriceCatalog WithAliases(IReadOnlyDictionary<string, string> aliases)
    {
        ArgumentNullException.ThrowIfNull(aliases);
        return new PriceCatalog(Version, _prices, Freeze(_aliases, aliases));
    }

    /// <summary>Finds the price of a model as a provider reports it.</summary>
    /// <param name="model">The model name, e.g. gen_ai.response.model or a deployment name.</param>
    /// <param name="provider">The provider, as a price-table prefix ("azure") or gen_ai.provider.name ("azure.ai.openai"), if known.</param>
    /// <param name="price">The price, when found.</param>
    /// <returns><see langword="true"/> when the model has a price.</returns>
    public bool TryGetPrice(string model, string? provider, [NotNullWhen(true)] out ModelPrice? price)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!_resolved.TryGetValue((model, provider), out price))
        {
            price = Resolve(model, provider);
            if (_resolvedCount < MaxCachedNames && _resolved.TryAdd((model, provider), price))
            {
                Interlocked.Increment(ref _resolvedCount);
            }
        }

        return price is not null;
    }

    /// <summary>Computes the cost of one call, or returns <see langword="null"/> when the model has no price.</summary>
    /// <param name="model">The model name, e.g. gen_ai.response.model or a deployment name.</param>
    /// <param name="provider">The provider, as a price-table prefix ("azure") or gen_ai.provider.name ("azure.ai.openai"), if known.</param>
    /// <param name="usage">The call's tokens, in the <see cref="TokenUsage"/> convention.</param>
    /// <param name="tier">The service tier the call ran on.</param>
    public CostBreakdown? ComputeCost(string model, string? provider, TokenUsage usage, ServiceTier tier = ServiceTier.Standard) =>
        TryGetPrice(model, provider, out var price) ? CostCalculator.Compute(price, usage, tier) : null;

    private ModelPrice? Resolve(string model, string? provider)
    {
        if (_aliases.TryGetValue(model, out var target))
        {
            model = target;
        }

        var prefix = string.IsNullOrEmpty(provider) ? null : TablePrefixes.GetValueOrDefault(provider, provider);

        // A dated key in the table wins over its undated sibling, so snapshots are dropped only once nothing else matched.
        return Search(model, prefix, dropSnapshot: false) ?? Search(model, prefix, dropSnapshot: true);
    }

    // Tries the name, then the name without each leading "segment/" in turn ("openai/gpt-4o" → "gpt-4o").
    private ModelPrice? Search(ReadOnlySpan<char> name, string? prefix, bool dropSnapshot)
    {
        while (true)
        {
            var candidate = dropSnapshot ? WithoutSnapshot(name) : name;
            if ((!dropSnapshot || candidate.Length < name.Length) && Find(candidate, prefix) is { } price)
            {
                return price;
            }

            var slash = name.IndexOf('/');
            if (slash < 0)
            {
                return null;
            }

            name = name[(slash + 1)..];
        }
    }

    private ModelPrice? Find(ReadOnlySpan<char> name, string? prefix)
    {
        if (prefix is not null)
        {
            var length = prefix.Length + 1 + name.Length;
            var qualified = length <= 256 ? stackalloc char[length] : new char[length];
            prefix.CopyTo(qualified);
            qualified[prefix.Length] = '/';
            name.CopyTo(qualified[(prefix.Length + 1)..]);
            if (_pricesBySpan.TryGetValue(qualified, out var price))
            {
                return price;
            }
        }

        return _pricesBySpan.TryGetValue(name, out var exact) ? exact : null;
    }

    private static ReadOnlySpan<char> WithoutSnapshot(ReadOnlySpan<char> name)
    {
        if (name.EndsWith("-latest", StringComparison.OrdinalIgnoreCase))
        {
            return name[..^"-latest".Length];
        }

        // -20240718 or @20240718
        if (name.Length > 9 && name[^9] is '-' or '@' && IsDigits(name[^8..]))
        {
            return name[..^9];
        }

        // -2024-07-18
        if (name.Length > 11 && name[^11] == '-' && name[^6] == '-' && name[^3] == '-'
            && IsDigits(name[^10..^6]) && IsDigits(name[^5..^3]) && IsDigits(name[^2..]))
        {
            return name[..^11];
        }

        return name;
    }

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange('0', '9');

    private static FrozenDictionary<string, T> Freeze<T>(IEnumerable<KeyValuePair<string, T>> entries, IEnumerable<KeyValuePair<string, T>> winners)
    {
        var merged = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in entries)
        {
            // The table holds a few keys differing only in case; they carry the same price, so the first one is kept.
            merged.TryAdd(key, value);
        }

        foreach (var (key, value) in winners)
        {
            merged[key] = value;
        }

        return merged.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}

internal sealed class CatalogDocument
{
    public string? Source { get; init; }

    public string? Version { get; init; }

    public Dictionary<string, ModelPrice>? Models { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CatalogDocument))]
internal sealed partial class PricingJsonContext : JsonSerializerContext;
