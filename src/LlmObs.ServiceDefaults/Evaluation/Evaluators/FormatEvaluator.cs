using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmObs.Evaluation.Evaluators;

/// <summary>Format rules an answer must keep: JSON that parses, a length limit. Score 1 when all hold, else 0.</summary>
/// <param name="options">The rules.</param>
public sealed class FormatEvaluator(FormatRules options) : IEvaluator
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [EvaluationNames.Format];

    /// <inheritdoc />
    public ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages, ChatResponse modelResponse, ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null, CancellationToken cancellationToken = default)
    {
        var text = modelResponse.Text;
        var failures = new List<(string Label, string Reason)>();
        if (options.MaxCharacters is { } max && text.Length > max)
        {
            failures.Add(("too_long", string.Create(CultureInfo.InvariantCulture, $"{text.Length} characters, more than {max}")));
        }

        if (options.RequireJson)
        {
            try
            {
                using var _ = JsonDocument.Parse(Unfence(text));
            }
            catch (JsonException e)
            {
                failures.Add(("invalid_json", $"not valid JSON ({e.Message})"));
            }
        }

        var passed = failures.Count == 0;
        var reason = passed ? "The answer keeps the format rules." : "The answer breaks the format rules: " + string.Join("; ", failures.Select(f => f.Reason)) + ".";
        var metric = new NumericMetric(EvaluationNames.Format, passed ? 1 : 0, reason);
        metric.AddOrUpdateMetadata(EvaluationNames.SourceMetadata, "code");
        metric.AddOrUpdateMetadata("label", passed ? "ok" : string.Join(",", failures.Select(f => f.Label)));
        metric.Interpretation = new EvaluationMetricInterpretation(passed ? EvaluationRating.Good : EvaluationRating.Unacceptable, failed: !passed, reason);
        return ValueTask.FromResult(new EvaluationResult(metric));
    }

    // Models often wrap JSON in a markdown fence; the JSON inside is what a caller would parse.
    private static string Unfence(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("```", StringComparison.Ordinal) && trimmed.EndsWith("```", StringComparison.Ordinal) && trimmed.Length > 6)
        {
            var firstLine = trimmed.IndexOf('\n');
            return firstLine < 0 ? trimmed[3..^3] : trimmed[(firstLine + 1)..^3];
        }

        return trimmed;
    }
}

/// <summary>What <see cref="FormatEvaluator"/> checks.</summary>
public sealed class FormatRules
{
    /// <summary>The answer must be JSON (a markdown fence around it is allowed).</summary>
    public bool RequireJson { get; set; }

    /// <summary>The longest answer allowed, in characters; no limit when null.</summary>
    public int? MaxCharacters { get; set; } = 4000;
}
