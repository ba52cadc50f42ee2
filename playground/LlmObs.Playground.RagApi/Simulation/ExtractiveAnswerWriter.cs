using System.Text;
using System.Text.RegularExpressions;

namespace LlmObs.Playground.RagApi.Simulation;

/// <summary>
/// Writes the simulated model's answer: the context sentences that share the most words with the question,
/// cited by document id, after any tool results. Extractive, so answers are grounded in what retrieval found
/// and a bad retrieval visibly gives a bad answer, which is what a playground for tracing RAG needs.
/// </summary>
internal static partial class ExtractiveAnswerWriter
{
    private const int MaxSentences = 3;
    private const int MaxSentencesWithToolResults = 2;
    private const double MinRelevance = 1.5;

    public static string Write(SimulatedPrompt prompt)
    {
        var questionStems = WordStems.SetOf(prompt.Question);
        var answer = new StringBuilder();

        var toolStems = new HashSet<string>(StringComparer.Ordinal);
        if (prompt.ToolResults.Count > 0)
        {
            AppendSentence(answer, $"From the live price list: {string.Join(" ", prompt.ToolResults.Select(r => r.Text.Trim()))}");
            toolStems.UnionWith(prompt.ToolResults.SelectMany(r => WordStems.Of(r.Text)));
        }

        // Once a tool has answered, context is only worth quoting for the parts of the question the tool left open.
        var openStems = new HashSet<string>(questionStems.Except(toolStems), StringComparer.Ordinal);
        var limit = prompt.ToolResults.Count > 0 ? MaxSentencesWithToolResults : MaxSentences;
        var picked = RankSentences(prompt.Documents, openStems)
            .Where(s => !RepeatsToolResults(s.Text, toolStems))
            .Take(limit)
            .OrderBy(s => s.DocumentRank)
            .ThenBy(s => s.Position)
            .ToList();

        foreach (var sentence in picked)
        {
            AppendSentence(answer, Cite(sentence.Text.TrimEnd(), sentence.DocumentId));
        }

        if (answer.Length == 0)
        {
            return prompt.Documents.Count == 0
                ? "I have no handbook excerpts for this question, so I can't answer it without guessing."
                : "The handbook excerpts I was given don't cover this, so I'd rather not guess. Ask the team that owns the topic.";
        }

        return answer.ToString();
    }

    private static IEnumerable<CandidateSentence> RankSentences(IReadOnlyList<ContextDocument> documents, HashSet<string> questionStems)
    {
        var candidates = new List<CandidateSentence>();
        for (var rank = 0; rank < documents.Count; rank++)
        {
            var document = documents[rank];

            // A page whose title matches the question is about it: its sentences get a head start.
            var titleBonus = WordStems.SetOf(document.Title).Intersect(questionStems).Count() * 0.5;
            var sentences = SentenceBoundary().Split(document.Text);
            for (var position = 0; position < sentences.Length; position++)
            {
                // One shared word in a page about something else ("cost" in a shipping page) is not relevance.
                var overlap = WordStems.SetOf(sentences[position]).Intersect(questionStems).Count();
                if (overlap > 0 && overlap + titleBonus >= MinRelevance)
                {
                    // Earlier-ranked documents win ties: retrieval already judged them closer.
                    var score = overlap + titleBonus - (rank * 0.1) - (position * 0.01);
                    candidates.Add(new CandidateSentence(sentences[position], document.Id, rank, position, score));
                }
            }
        }

        return candidates.OrderByDescending(c => c.Score);
    }

    // A sentence that mostly says what a tool already answered would only repeat it.
    private static bool RepeatsToolResults(string sentence, HashSet<string> toolStems)
    {
        if (toolStems.Count == 0)
        {
            return false;
        }

        var stems = WordStems.SetOf(sentence);
        return stems.Count > 0 && stems.Count(toolStems.Contains) >= stems.Count * 0.6;
    }

    // "… the paid month [refunds-subscriptions]." as the system prompt asks: the citation inside the sentence.
    private static string Cite(string sentence, string documentId) =>
        sentence.Length > 0 && sentence[^1] is '.' or '!' or '?'
            ? $"{sentence[..^1]} [{documentId}]{sentence[^1]}"
            : $"{sentence} [{documentId}].";

    private static void AppendSentence(StringBuilder answer, string sentence)
    {
        if (answer.Length > 0)
        {
            answer.Append(' ');
        }

        answer.Append(sentence);
    }

    // A sentence ends at . ! or ? followed by a space and a capital or digit, so "P.O. boxes" and "$1,000" stay whole.
    [GeneratedRegex(@"(?<=[.!?])\s+(?=[A-Z0-9$])")]
    private static partial Regex SentenceBoundary();

    private sealed record CandidateSentence(string Text, string DocumentId, int DocumentRank, int Position, double Score);
}
