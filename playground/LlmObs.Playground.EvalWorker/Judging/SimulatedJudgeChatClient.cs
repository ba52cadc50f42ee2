using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace LlmObs.Playground.EvalWorker.Judging;

/// <summary>
/// An offline stand-in for a judge model: it reads the QUESTION, DOCUMENTS and ANSWER of LlmJudgeEvaluator's prompt
/// and rates the answer by how much of it the documents support, 2 for a refusal. Deterministic, so the playground's
/// quality numbers are reproducible. It reports itself as OpenAI's gpt-4o-mini with token usage, so LlmObs prices
/// the judge's calls like a real judge's.
/// </summary>
internal sealed partial class SimulatedJudgeChatClient : IChatClient
{
    private static readonly ChatClientMetadata Metadata = new("openai", new Uri("https://simulated.llmobs.local/v1"), "gpt-4o-mini");

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var prompt = list.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var (rating, reason) = Judge(Section(prompt, "DOCUMENTS"), Section(prompt, "ANSWER"));
        var reply = JsonSerializer.Serialize(new { rating, reason });
        var inputTokens = list.Sum(m => m.Text.Length) / 4 + 8;
        await Task.Delay(TimeSpan.FromMilliseconds(150 + inputTokens / 20), cancellationToken).ConfigureAwait(false);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, reply))
        {
            ModelId = "gpt-4o-mini",
            ResponseId = "judge-" + Guid.NewGuid().ToString("N")[..12],
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = reply.Length / 4 + 1, TotalTokenCount = inputTokens + reply.Length / 4 + 1 },
        };
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The simulated judge answers in one piece.");

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? Metadata : serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static (int Rating, string Reason) Judge(string documents, string answer)
    {
        if (Refusal().IsMatch(answer) || answer.Trim().Length == 0)
        {
            return (2, "The answer declines to answer.");
        }

        var answerWords = Words(answer);
        if (answerWords.Count == 0 || documents.Trim() is "" or "(none)")
        {
            return (3, "Nothing to check the answer against.");
        }

        var documentWords = Words(documents);
        var supported = (double)answerWords.Count(documentWords.Contains) / answerWords.Count;
        return supported switch
        {
            >= 0.85 => (5, "Every claim is supported by the documents."),
            >= 0.65 => (4, "Mostly supported by the documents."),
            >= 0.45 => (3, "Partly supported by the documents."),
            _ => (2, "Largely unsupported by the documents."),
        };
    }

    private static string Section(string prompt, string name)
    {
        var match = Regex.Match(prompt, $@"(?ms)^{name}:\n(?<body>.*?)(?=^\w+:\n|\z)");
        return match.Success ? match.Groups["body"].Value : "";
    }

    private static HashSet<string> Words(string text) =>
        Word().Matches(text.ToLowerInvariant()).Select(m => m.Value).Where(w => w.Length > 3).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Word();

    [GeneratedRegex(@"(I('m| am) sorry|can('|’)t answer|rather not guess|(don('|’)t|do not) cover)", RegexOptions.IgnoreCase)]
    private static partial Regex Refusal();
}
