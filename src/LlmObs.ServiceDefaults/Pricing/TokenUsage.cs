namespace LlmObs.Pricing;

/// <summary>
/// Token counts of one LLM call, in the convention OpenAI and Microsoft.Extensions.AI report them:
/// <see cref="InputTokens"/> is the whole prompt and already includes the cache-read and cache-write tokens,
/// and <see cref="OutputTokens"/> already includes the reasoning tokens.
/// Providers that report these separately (Anthropic counts cache tokens apart from input tokens)
/// must be added up before pricing, or cached tokens would be priced twice.
/// </summary>
public readonly record struct TokenUsage
{
    /// <summary>All prompt tokens, including <see cref="CacheReadTokens"/>, <see cref="CacheWriteTokens"/> and <see cref="CacheWrite1hTokens"/>.</summary>
    public long InputTokens { get; init; }

    /// <summary>All generated tokens, including <see cref="ReasoningTokens"/>.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Prompt tokens served from the provider's prompt cache.</summary>
    public long CacheReadTokens { get; init; }

    /// <summary>Prompt tokens written to the prompt cache with the default (5 minute) lifetime.</summary>
    public long CacheWriteTokens { get; init; }

    /// <summary>Prompt tokens written to the prompt cache with the 1 hour lifetime.</summary>
    public long CacheWrite1hTokens { get; init; }

    /// <summary>Output tokens spent on reasoning ("thinking"); a part of <see cref="OutputTokens"/>.</summary>
    public long ReasoningTokens { get; init; }
}
