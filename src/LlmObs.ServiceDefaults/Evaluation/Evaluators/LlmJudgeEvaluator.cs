using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmObs.Evaluation.Evaluators;

/// <summary>
/// An LLM as judge over any <see cref="IChatClient"/> (the <see cref="ChatConfiguration"/>'s): it rates the answer's
/// quality from 1 to 5 given the question and the retrieved documents, and the rating is mapped to 0–1. Build the
/// judge's client with <c>UseLlmTracing(o =&gt; o.Feature = "eval_judge")</c> so its own calls are traced and priced
/// apart from the calls it judges.
/// </summary>
public sealed partial class LlmJudgeEvaluator : IEvaluator
{
    /// <summary>The judge's instructions; its answer must be JSON <c>{"rating": 1-5, "reason": "…"}</c>.</summary>
    public const string Instructions = """
        You grade answers given by an assistant. Rate the ANSWER to the QUESTION from 1 (useless or wrong) to 5 (correct,
        complete and supported by the DOCUMENTS). Penalise claims the documents do not support. Reply with JSON only:
        {"rating": <1-5>, "reason": "<one sentence>"}
        """;

    /// <inheritdoc />
    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [EvaluationNames.Quality];

    /// <inheritdoc />
    public async ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages, ChatResponse modelResponse, ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null, CancellationToken cancellationToken = default)
    {
        var metric = new NumericMetric(EvaluationNames.Quality);
        metric.AddOrUpdateMetadata(EvaluationNames.SourceMetadata, "llm");
        if (chatConfiguration is null)
        {
            metric.AddDiagnostics(EvaluationDiagnostic.Error("The LLM judge needs a ChatConfiguration with the judge's chat client."));
            return new EvaluationResult(metric);
        }

        var documents = additionalContext?.OfType<RetrievedDocumentsContext>().SelectMany(c => c.Documents).ToList() ?? [];
        var question = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var prompt = new StringBuilder()
            .Append("QUESTION:\n").Append(question).Append("\n\n")
            .Append("DOCUMENTS:\n").Append(documents.Count == 0 ? "(none)" : string.Join("\n---\n", documents)).Append("\n\n")
            .Append("ANSWER:\n").Append(modelResponse.Text);

        var stopwatch = Stopwatch.StartNew();
        var verdict = await chatConfiguration.ChatClient.GetResponseAsync(
            [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, prompt.ToString())],
            new ChatOptions { Temperature = 0, ResponseFormat = ChatResponseFormat.Json },
            cancellationToken).ConfigureAwait(false);
        metric.AddOrUpdateChatMetadata(verdict, stopwatch.Elapsed);

        if (!TryParse(verdict.Text, out var rating, out var reason))
        {
            metric.AddDiagnostics(EvaluationDiagnostic.Error($"The judge's reply is not {{\"rating\": 1-5, \"reason\": …}}: {Truncate(verdict.Text)}"));
            metric.Interpretation = new EvaluationMetricInterpretation(EvaluationRating.Inconclusive, failed: false, "The judge's reply could not be read.");
            return new EvaluationResult(metric);
        }

        metric.Value = (rating - 1) / 4.0;
        metric.Reason = reason;
        metric.AddOrUpdateMetadata("label", string.Create(CultureInfo.InvariantCulture, $"{rating} of 5"));
        metric.Interpretation = new EvaluationMetricInterpretation(rating switch
        {
            5 => EvaluationRating.Exceptional,
            4 => EvaluationRating.Good,
            3 => EvaluationRating.Average,
            2 => EvaluationRating.Poor,
            _ => EvaluationRating.Unacceptable,
        }, failed: rating < 3, reason);
        return new EvaluationResult(metric);
    }

    /// <summary>Reads <c>{"rating": n, "reason": "…"}</c>, tolerating a markdown fence or text around it.</summary>
    internal static bool TryParse(string text, out int rating, out string? reason)
    {
        rating = 0;
        reason = null;
        var json = JsonObject().Match(text);
        if (!json.Success)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json.Value);
            var root = document.RootElement;
            if (!root.TryGetProperty("rating", out var value) || !value.TryGetDouble(out var number) || number is < 1 or > 5)
            {
                return false;
            }

            rating = (int)Math.Round(number);
            reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

    [GeneratedRegex(@"\{[^{}]*\}", RegexOptions.Singleline)]
    private static partial Regex JsonObject();
}
