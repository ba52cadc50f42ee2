using LlmObs.Pricing;
using Microsoft.Extensions.AI;

namespace LlmObs.Tracing;

/// <summary>
/// A call's tokens as its <see cref="UsageDetails"/> report them, in the <see cref="TokenUsage"/> convention.
/// Cache writes are not a <see cref="UsageDetails"/> property: adapters put them in <see cref="UsageDetails.AdditionalCounts"/>
/// under their own spelling, so every common one is accepted.
/// </summary>
internal readonly record struct ReportedUsage(TokenUsage Tokens, bool HasCacheWrite, bool CacheReadFromAdditionalCounts)
{
    public static ReportedUsage From(UsageDetails usage)
    {
        long? write = null, write5m = null, write1h = null, read = null;
        if (usage.AdditionalCounts is { Count: > 0 } counts)
        {
            foreach (var (key, value) in counts)
            {
                switch (Classify(key))
                {
                    case Kind.CacheWrite: write = (write ?? 0) + value; break;
                    case Kind.CacheWrite5m: write5m = (write5m ?? 0) + value; break;
                    case Kind.CacheWrite1h: write1h = (write1h ?? 0) + value; break;
                    case Kind.CacheRead: read = (read ?? 0) + value; break;
                }
            }
        }

        // Anthropic reports a total and, optionally, its split by lifetime; the 5 minute part is what the 1 hour part leaves.
        var oneHour = write1h ?? 0;
        var fiveMinutes = write5m ?? Math.Max(0, (write ?? 0) - oneHour);

        var input = usage.InputTokenCount ?? 0;
        var cacheRead = usage.CachedInputTokenCount ?? 0;
        var readFromCounts = usage.CachedInputTokenCount is null && read is not null;
        if (readFromCounts)
        {
            // Adapters that know only Anthropic's fields pass its input_tokens through, and those exclude cached tokens.
            cacheRead = read!.Value;
            input += cacheRead + fiveMinutes + oneHour;
        }

        return new ReportedUsage(
            new TokenUsage
            {
                InputTokens = input,
                OutputTokens = usage.OutputTokenCount ?? 0,
                CacheReadTokens = cacheRead,
                CacheWriteTokens = fiveMinutes,
                CacheWrite1hTokens = oneHour,
                ReasoningTokens = usage.ReasoningTokenCount ?? 0,
            },
            write is not null || write5m is not null || write1h is not null,
            readFromCounts);
    }

    // Compares letters and digits only, case-insensitively: "CacheCreationInputTokens", "cache_creation_input_tokens"
    // and "gen_ai.usage.cache_creation.input_tokens" are one key.
    private static Kind Classify(string key)
    {
        Span<char> buffer = stackalloc char[64];
        var n = 0;
        foreach (var c in key)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (n == buffer.Length)
                {
                    return Kind.Other;
                }

                buffer[n++] = char.ToLowerInvariant(c);
            }
        }

        ReadOnlySpan<char> k = buffer[..n];
        if (k.StartsWith("genaiusage"))
        {
            k = k["genaiusage".Length..];
        }

        return k switch
        {
            "cachecreationinputtokens" or "cachewriteinputtokens" or "cachecreationtokens" or "cachewritetokens"
                or "cachecreation" or "cachewrite" or "cachedwritetokens" => Kind.CacheWrite,
            "ephemeral5minputtokens" or "cachecreation5minputtokens" or "cachewrite5minputtokens" or "cachewrite5mtokens" => Kind.CacheWrite5m,
            "ephemeral1hinputtokens" or "cachecreation1hinputtokens" or "cachewrite1hinputtokens" or "cachewrite1htokens" => Kind.CacheWrite1h,
            "cachereadinputtokens" or "cachereadtokens" or "cachedinputtokens" or "cachedtokens" => Kind.CacheRead,
            _ => Kind.Other,
        };
    }

    private enum Kind
    {
        Other,
        CacheWrite,
        CacheWrite5m,
        CacheWrite1h,
        CacheRead,
    }
}
