using System.Text.RegularExpressions;

namespace LlmObs.Evaluation.Evaluators;

/// <summary>
/// The words of a text that carry its content: lower-cased, without stop words, numbers kept, with a light
/// suffix strip so "refunds" meets "refund". Crude next to a model, but free, fast and deterministic.
/// </summary>
internal static partial class ContentWords
{
    private static readonly HashSet<string> StopWords = new(
    [
        "the", "and", "for", "are", "but", "not", "you", "your", "all", "any", "can", "had", "her", "was", "one", "our", "out", "has", "have",
        "his", "how", "its", "may", "who", "did", "get", "got", "let", "say", "she", "too", "use", "this", "that", "with", "from", "they",
        "will", "would", "there", "their", "what", "when", "where", "which", "while", "about", "into", "than", "then", "them", "these",
        "those", "been", "being", "were", "also", "such", "only", "other", "some", "each", "more", "most", "very", "just", "does", "doing",
        "here", "over", "under", "after", "before", "because", "should", "could", "shall", "must", "upon", "yes", "per",
    ], StringComparer.Ordinal);

    public static HashSet<string> Of(string text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in Word().Matches(text.ToLowerInvariant()))
        {
            var word = match.Value;
            if (word.Length < 3 && !char.IsAsciiDigit(word[0]) || StopWords.Contains(word))
            {
                continue;
            }

            words.Add(Stem(word));
        }

        return words;
    }

    private static string Stem(string word)
    {
        foreach (var suffix in (ReadOnlySpan<string>)["ing", "ies", "ed", "es", "s"])
        {
            if (word.Length > suffix.Length + 3 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                return word[..^suffix.Length];
            }
        }

        return word;
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();
}
