using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmObs.Evaluation.Evaluators;

/// <summary>
/// Groundedness without a model: the share of the answer's content words that occur in the retrieved documents
/// (<see cref="RetrievedDocumentsContext"/>). An answer built from the documents scores near 1; one that brings in
/// words the documents never used scores low. It cannot tell a faithful paraphrase from a fabrication that reuses
/// the documents' words; the LLM judge can.
/// </summary>
public sealed class GroundednessOverlapEvaluator : IEvaluator
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [EvaluationNames.Groundedness];

    /// <inheritdoc />
    public ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages, ChatResponse modelResponse, ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null, CancellationToken cancellationToken = default)
    {
        var metric = new NumericMetric(EvaluationNames.Groundedness);
        metric.AddOrUpdateMetadata(EvaluationNames.SourceMetadata, "code");
        var documents = additionalContext?.OfType<RetrievedDocumentsContext>().SelectMany(c => c.Documents).ToList() ?? [];
        var answer = ContentWords.Of(modelResponse.Text);
        if (documents.Count == 0)
        {
            metric.Reason = "No retrieved documents were found for this answer, so its groundedness cannot be measured.";
            metric.AddDiagnostics(EvaluationDiagnostic.Warning(metric.Reason));
            metric.Interpretation = new EvaluationMetricInterpretation(EvaluationRating.Inconclusive, failed: false, metric.Reason);
            return ValueTask.FromResult(new EvaluationResult(metric));
        }

        if (answer.Count == 0)
        {
            metric.Reason = "The answer has no content words to check against the documents.";
            metric.Interpretation = new EvaluationMetricInterpretation(EvaluationRating.Inconclusive, failed: false, metric.Reason);
            return ValueTask.FromResult(new EvaluationResult(metric));
        }

        var context = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            context.UnionWith(ContentWords.Of(document));
        }

        var supported = answer.Count(context.Contains);
        var score = (double)supported / answer.Count;
        metric.Value = Math.Round(score, 4);
        var missing = answer.Where(w => !context.Contains(w)).Take(8).ToList();
        metric.Reason = string.Create(CultureInfo.InvariantCulture,
            $"{supported} of {answer.Count} content words of the answer occur in the {documents.Count} retrieved documents")
            + (missing.Count > 0 ? $"; not found: {string.Join(", ", missing)}." : ".");
        var rating = score switch
        {
            >= 0.85 => EvaluationRating.Exceptional,
            >= 0.7 => EvaluationRating.Good,
            >= 0.5 => EvaluationRating.Average,
            >= 0.3 => EvaluationRating.Poor,
            _ => EvaluationRating.Unacceptable,
        };
        metric.Interpretation = new EvaluationMetricInterpretation(rating, failed: score < 0.5, metric.Reason);
        return ValueTask.FromResult(new EvaluationResult(metric));
    }
}
