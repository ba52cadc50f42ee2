using System.Net;
using System.Text;
using LlmObs.Playground.RagApi.Retrieval;
using Microsoft.Extensions.AI;

namespace LlmObs.Playground.RagApi.Answering;

/// <summary>
/// Builds the chat request: the fixed system prompt first, then the retrieved pages and the question.
/// Everything that never changes comes first so providers can serve it from their prompt cache.
/// </summary>
internal sealed class AnswerPrompt(string systemPrompt)
{
    public static string DefaultPath { get; } = Path.Combine(AppContext.BaseDirectory, "Answering", "system-prompt.md");

    public static AnswerPrompt Load(string path) => new(File.ReadAllText(path).Trim());

    public List<ChatMessage> Build(string question, IReadOnlyList<ScoredDocument> documents)
    {
        var user = new StringBuilder("Handbook excerpts:\n\n");
        foreach (var (document, _) in documents)
        {
            user.Append($"<document id=\"{WebUtility.HtmlEncode(document.Id)}\" title=\"{WebUtility.HtmlEncode(document.Title)}\">\n")
                .Append(document.Text)
                .Append("\n</document>\n\n");
        }

        user.Append("Question: ").Append(question);

        return [new(ChatRole.System, systemPrompt), new(ChatRole.User, user.ToString())];
    }
}
