using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmObs.Evaluation.Evaluators;

/// <summary>
/// Did the model answer at all? 0 with label <c>empty</c> for no text, 0 with <c>refusal</c> when the text declines
/// (apologies, "I can't answer", "the documents don't cover this"), else 1 with <c>answered</c>.
/// </summary>
public sealed partial class AnswerPresenceEvaluator : IEvaluator
{
    /// <summary>The labels this evaluator writes.</summary>
    public const string Answered = "answered", Empty = "empty", Refusal = "refusal";

    /// <inheritdoc />
    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [EvaluationNames.Answer];

    /// <inheritdoc />
    public ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages, ChatResponse modelResponse, ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null, CancellationToken cancellationToken = default)
    {
        var text = modelResponse.Text.Trim();
        var (score, label, reason) = text.Length == 0
            ? (0.0, Empty, "The answer is empty.")
            : RefusalPattern().Match(text) is { Success: true } refusal
                ? (0.0, Refusal, $"The answer declines: \"{refusal.Value}\".")
                : (1.0, Answered, "The answer gives an answer.");
        var metric = new NumericMetric(EvaluationNames.Answer, score, reason);
        metric.AddOrUpdateMetadata(EvaluationNames.SourceMetadata, "code");
        metric.AddOrUpdateMetadata("label", label);
        metric.Interpretation = new EvaluationMetricInterpretation(
            score > 0 ? EvaluationRating.Good : EvaluationRating.Unacceptable, failed: score == 0, reason);
        return ValueTask.FromResult(new EvaluationResult(metric));
    }

    [GeneratedRegex(
        @"\b(I('m| am) sorry,? but|I (can('|’)t|cannot|won('|’)t|am unable to|'m unable to|am not able to) (help|answer|assist|provide)|" +
        @"I don('|’)t know|(can('|’)t|cannot) answer|rather not guess|(don('|’)t|do not|doesn('|’)t|does not) cover|as an AI( language model)?|" +
        @"I have no (information|handbook excerpts|context))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RefusalPattern();
}
