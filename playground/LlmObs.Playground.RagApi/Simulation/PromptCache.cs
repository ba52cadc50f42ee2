namespace LlmObs.Playground.RagApi.Simulation;

/// <summary>
/// Simulates OpenAI's automatic prompt caching: a prompt of at least 1,024 tokens whose prefix was sent in the
/// last few minutes reads that prefix from cache, counted in 128-token blocks. Traces then carry
/// cache-read tokens and their lower price, as they do against the real API.
/// </summary>
internal sealed class PromptCache(TimeProvider timeProvider)
{
    private const int MinimumCachedTokens = 1024;
    private const int BlockSize = 128;
    private const int Capacity = 256;
    private static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(5);

    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];

    /// <summary>Records the prompt and returns how many of its tokens were cached before it was sent.</summary>
    public int ReadAndStore(IReadOnlyList<int> prompt)
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            _entries.RemoveAll(e => now - e.LastUsed > TimeToLive);

            var longest = 0;
            Entry? best = null;
            foreach (var entry in _entries)
            {
                var shared = CommonPrefixLength(entry.Tokens, prompt);
                if (shared > longest)
                {
                    (longest, best) = (shared, entry);
                }
            }

            // A hit refreshes the cached prefix's lifetime, as with the real cache.
            if (best is not null && longest >= MinimumCachedTokens)
            {
                best.LastUsed = now;
            }

            if (best is null || longest < prompt.Count)
            {
                if (_entries.Count >= Capacity)
                {
                    _entries.Remove(_entries.MinBy(e => e.LastUsed)!);
                }

                _entries.Add(new Entry(prompt.ToArray(), now));
            }

            return prompt.Count >= MinimumCachedTokens && longest >= MinimumCachedTokens ? longest / BlockSize * BlockSize : 0;
        }
    }

    private static int CommonPrefixLength(int[] cached, IReadOnlyList<int> prompt)
    {
        var length = Math.Min(cached.Length, prompt.Count);
        var i = 0;
        while (i < length && cached[i] == prompt[i])
        {
            i++;
        }

        return i;
    }

    private sealed class Entry(int[] tokens, DateTimeOffset lastUsed)
    {
        public int[] Tokens { get; } = tokens;

        public DateTimeOffset LastUsed { get; set; } = lastUsed;
    }
}
