using System.Text.RegularExpressions;

namespace LlmObs.Playground.RagApi.Simulation;

/// <summary>
/// The content words of a text, lower-cased and crudely stemmed ("refunds", "refunded" → "refund";
/// "price", "pricing" → "pric"). Both the simulated embeddings and the simulated answers compare texts
/// through these stems, so a question finds pages that use other forms of its words.
/// </summary>
internal static partial class WordStems
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been",
        "before", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "done", "each",
        "for", "from", "get", "gets", "got", "had", "has", "have", "having", "he", "her", "here", "his", "how", "i",
        "if", "in", "into", "is", "it", "its", "just", "may", "me", "might", "more", "most", "must", "my",
        "need", "needs", "no", "not", "of", "on", "once", "one", "only", "or", "other", "our", "out", "over", "own",
        "please", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then",
        "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "us", "use",
        "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
        "would", "you", "your", "tell", "know", "want", "there's", "what's", "it's", "i'm",
    };

    public static IEnumerable<string> Of(string text)
    {
        foreach (Match match in Word().Matches(text.ToLowerInvariant()))
        {
            var word = match.Value;
            if (!StopWords.Contains(word))
            {
                yield return Stem(word);
            }
        }
    }

    public static HashSet<string> SetOf(string text) => new(Of(text), StringComparer.Ordinal);

    private static string Stem(string word)
    {
        if (word.EndsWith("'s", StringComparison.Ordinal))
        {
            word = word[..^2];
        }

        if (word.Length <= 3 || char.IsAsciiDigit(word[0]))
        {
            return word;
        }

        foreach (var suffix in (ReadOnlySpan<string>)["ing", "ed", "es", "s", "e"])
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal) && word.Length - suffix.Length >= 3
                && !(suffix == "s" && (word.EndsWith("ss", StringComparison.Ordinal) || word.EndsWith("us", StringComparison.Ordinal))))
            {
                word = word[..^suffix.Length];
                break;
            }
        }

        // "shipping" → "shipp" → "ship", so it meets "ship".
        if (word.Length > 3 && word[^1] == word[^2] && !"aeiouls".Contains(word[^1], StringComparison.Ordinal))
        {
            word = word[..^1];
        }

        return word;
    }

    [GeneratedRegex(@"[a-z0-9]+(?:'[a-z]+)?")]
    private static partial Regex Word();
}
