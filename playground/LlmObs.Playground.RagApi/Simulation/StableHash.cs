using System.Text;

namespace LlmObs.Playground.RagApi.Simulation;

/// <summary>
/// FNV-1a over UTF-8. <see cref="string.GetHashCode()"/> is randomised per process, and the simulation must give the
/// same vectors and answers on every run and every machine.
/// </summary>
internal static class StableHash
{
    public static ulong Of(string text)
    {
        const ulong OffsetBasis = 14695981039346656037;
        const ulong Prime = 1099511628211;

        var hash = OffsetBasis;
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(buffer);
            for (var i = 0; i < length; i++)
            {
                hash = (hash ^ buffer[i]) * Prime;
            }
        }

        return hash;
    }
}
