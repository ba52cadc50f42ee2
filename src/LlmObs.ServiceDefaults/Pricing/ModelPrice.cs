using System.Text.Json.Serialization;

namespace LlmObs.Pricing;

/// <summary>Per-token prices of one model, in USD. Absent prices are <see langword="null"/>.</summary>
public sealed record ModelPrice
{
    /// <summary>The provider the price applies to, as the price table names it (e.g. "openai", "bedrock").</summary>
    public string? Provider { get; init; }

    /// <summary>The kind of model: "chat", "completion", "responses" or "embedding".</summary>
    public string? Mode { get; init; }

    /// <summary>Price of one fresh prompt token.</summary>
    public required double Input { get; init; }

    /// <summary>Price of one generated token.</summary>
    public double? Output { get; init; }

    /// <summary>Price of one prompt token read from the cache.</summary>
    public double? CacheRead { get; init; }

    /// <summary>Price of one prompt token written to the cache with the 5 minute lifetime.</summary>
    public double? CacheWrite { get; init; }

    /// <summary>Price of one prompt token written to the cache with the 1 hour lifetime.</summary>
    public double? CacheWrite1h { get; init; }

    /// <summary>Price of one reasoning token, when it differs from <see cref="Output"/>.</summary>
    public double? Reasoning { get; init; }

    /// <summary>
    /// Prices that replace the ones above for long prompts or other service tiers,
    /// kept in order of precedence: the long-context tiers, then service tiers, each by threshold.
    /// </summary>
    public IReadOnlyList<PriceTier> Tiers
    {
        get;
        // Null when a deserialized catalog entry has no tiers.
        init => field = value is null ? [] : [.. value.OrderBy(t => t.Service).ThenBy(t => t.AboveInputTokens)];
    } = [];
}

/// <summary>
/// Prices that apply instead of a model's base prices for one service tier, for prompts longer
/// than a threshold, or both. Absent prices fall back to the less specific tier.
/// </summary>
public sealed record PriceTier
{
    /// <summary>The service tier these prices are for; <see cref="ServiceTier.Standard"/> for long-context prices.</summary>
    public ServiceTier Service { get; init; }

    /// <summary>The prices apply to the whole request when its prompt has more tokens than this; 0 for always.</summary>
    [JsonPropertyName("above")]
    public long AboveInputTokens { get; init; }

    /// <summary>Price of one fresh prompt token.</summary>
    public double? Input { get; init; }

    /// <summary>Price of one generated token.</summary>
    public double? Output { get; init; }

    /// <summary>Price of one prompt token read from the cache.</summary>
    public double? CacheRead { get; init; }

    /// <summary>Price of one prompt token written to the cache with the 5 minute lifetime.</summary>
    public double? CacheWrite { get; init; }

    /// <summary>Price of one prompt token written to the cache with the 1 hour lifetime.</summary>
    public double? CacheWrite1h { get; init; }

    /// <summary>Price of one reasoning token.</summary>
    public double? Reasoning { get; init; }
}
