using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace LlmObs.Playground.RagApi.Simulation;

/// <summary>
/// What the simulated model "reads" in a chat request: the question, the context documents in
/// <c>&lt;document id="…" title="…"&gt;</c> tags, the tools offered and the tool results already returned.
/// </summary>
internal sealed partial class SimulatedPrompt
{
    // What the request asks about follows one of these after the documents: a question (/ask) or a ticket (/summarise).
    private static readonly string[] QuestionMarkers = ["Question:", "Ticket:"];

    private SimulatedPrompt(
        string question,
        IReadOnlyList<ContextDocument> documents,
        IReadOnlyList<AIFunctionDeclaration> tools,
        IReadOnlyList<ToolResult> toolResults)
    {
        Question = question;
        Documents = documents;
        Tools = tools;
        ToolResults = toolResults;
    }

    /// <summary>The user's question: the last user message, or the part of it after <c>Question:</c> (or <c>Ticket:</c>).</summary>
    public string Question { get; }

    /// <summary>The context documents of the conversation, in the order given (retrieval rank).</summary>
    public IReadOnlyList<ContextDocument> Documents { get; }

    public IReadOnlyList<AIFunctionDeclaration> Tools { get; }

    public IReadOnlyList<ToolResult> ToolResults { get; }

    public static SimulatedPrompt Read(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        var lastUserText = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;

        var documents = messages
            .Where(m => m.Role == ChatRole.User || m.Role == ChatRole.System)
            .SelectMany(m => DocumentTag().Matches(m.Text))
            .Select(m => new ContextDocument(m.Groups["id"].Value, m.Groups["title"].Value, m.Groups["text"].Value.Trim()))
            .ToList();

        var callNames = messages
            .SelectMany(m => m.Contents.OfType<FunctionCallContent>())
            .ToDictionary(c => c.CallId, c => c.Name, StringComparer.Ordinal);

        var toolResults = messages
            .SelectMany(m => m.Contents.OfType<FunctionResultContent>())
            .Select(r => new ToolResult(callNames.GetValueOrDefault(r.CallId, "tool"), ResultText(r)))
            .ToList();

        var tools = options?.Tools?.OfType<AIFunctionDeclaration>().ToList() ?? [];

        return new SimulatedPrompt(ExtractQuestion(lastUserText), documents, tools, toolResults);
    }

    /// <summary>The text a tool result gives the model: strings as they are, anything else as JSON.</summary>
    public static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null => string.Empty,
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString() ?? string.Empty,
        var other => JsonSerializer.Serialize(other, AIJsonUtilities.DefaultOptions),
    };

    private static string ExtractQuestion(string userText)
    {
        // Look after the last document, so a question that itself contains "Question:" stays whole.
        var documentsEnd = Math.Max(userText.LastIndexOf("</document>", StringComparison.Ordinal), 0);
        // The first marker wins, so a question or ticket that itself contains "Question:" or "Ticket:" stays whole.
        var (start, length) = (-1, 0);
        foreach (var name in QuestionMarkers)
        {
            var marker = userText.IndexOf(name, documentsEnd, StringComparison.Ordinal);
            if (marker >= 0 && (start < 0 || marker < start))
            {
                (start, length) = (marker, name.Length);
            }
        }

        return start < 0 ? userText.Trim() : userText[(start + length)..].Trim();
    }

    [GeneratedRegex("""<document id="(?<id>[^"]*)"(?: title="(?<title>[^"]*)")?>(?<text>.*?)</document>""", RegexOptions.Singleline)]
    private static partial Regex DocumentTag();
}

/// <summary>A document given to the model as context.</summary>
internal sealed record ContextDocument(string Id, string Title, string Text);

/// <summary>The result of a tool call, as the model reads it.</summary>
internal sealed record ToolResult(string ToolName, string Text);
