using System.Diagnostics;
using LlmObs.Semantics;
using Microsoft.Extensions.Logging;

namespace LlmObs.Evaluation.Telemetry;

/// <summary>
/// Emits evaluation results as <c>gen_ai.evaluation.result</c> telemetry correlated with the evaluated span, so the
/// Aspire dashboard's GenAI view lists them with the call: as an event on the span while it is still open, and as a
/// log-based event carrying the span's trace context when the span ended long ago (an offline evaluation).
/// </summary>
public sealed class EvaluationEvents(ILogger<EvaluationEvents> logger)
{
    private static readonly EventId Event = new(7300, EvaluationAttributes.EventName);

    /// <summary>Adds the result to a span that is still recording.</summary>
    internal static void AddTo(Activity activity, string name, double? score, string? label, string? explanation)
    {
        if (!activity.IsAllDataRequested || (score is null && label is null))
        {
            return;
        }

        var tags = new ActivityTagsCollection { [EvaluationAttributes.Name] = name };
        if (score is { } value) tags[EvaluationAttributes.ScoreValue] = value;
        if (label is not null) tags[EvaluationAttributes.ScoreLabel] = label;
        if (explanation is not null) tags[EvaluationAttributes.Explanation] = explanation;
        activity.AddEvent(new ActivityEvent(EvaluationAttributes.EventName, tags: tags));
    }

    /// <summary>Emits the result of evaluating a span that has ended, as a log-based event in that span's context.</summary>
    /// <param name="traceId">The evaluated span's trace id (32 hex).</param>
    /// <param name="spanId">The evaluated span's id (16 hex).</param>
    /// <param name="name">The evaluation's name, e.g. <c>eval.groundedness</c>.</param>
    /// <param name="score">The score, if any.</param>
    /// <param name="label">The label, if any.</param>
    /// <param name="explanation">Why, if known.</param>
    /// <param name="responseId">The evaluated completion's <c>gen_ai.response.id</c>, if known.</param>
    public void Emit(string traceId, string spanId, string name, double? score, string? label, string? explanation, string? responseId = null)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var state = new List<KeyValuePair<string, object?>>
        {
            new(EvaluationAttributes.LogEventName, EvaluationAttributes.EventName),
            new(EvaluationAttributes.Name, name),
            new(EvaluationAttributes.TargetTraceId, traceId),
            new(EvaluationAttributes.TargetSpanId, spanId),
        };
        if (score is { } value) state.Add(new(EvaluationAttributes.ScoreValue, value));
        if (label is not null) state.Add(new(EvaluationAttributes.ScoreLabel, label));
        if (explanation is not null) state.Add(new(EvaluationAttributes.Explanation, explanation));
        if (responseId is not null) state.Add(new(GenAiAttributes.ResponseId, responseId));
        logger.Log(LogLevel.Information, Event, state, null, static (s, _) => Describe(s));
    }

    private static string Describe(List<KeyValuePair<string, object?>> state)
    {
        object? Find(string key) => state.FirstOrDefault(kv => kv.Key == key).Value;
        return $"{EvaluationAttributes.EventName} {Find(EvaluationAttributes.Name)} score={Find(EvaluationAttributes.ScoreValue) ?? "-"} label={Find(EvaluationAttributes.ScoreLabel) ?? "-"}";
    }
}
