namespace LlmObs.Evaluation.Telemetry;

/// <summary>
/// The GenAI semantic conventions' evaluation event (<c>gen_ai.evaluation.result</c>, development status): parented
/// to the evaluated operation's span, with the evaluation's name, score value and label, and an explanation.
/// </summary>
internal static class EvaluationAttributes
{
    public const string EventName = "gen_ai.evaluation.result";
    public const string Name = "gen_ai.evaluation.name";
    public const string ScoreValue = "gen_ai.evaluation.score.value";
    public const string ScoreLabel = "gen_ai.evaluation.score.label";
    public const string Explanation = "gen_ai.evaluation.explanation";

    /// <summary>Where log-based events carry their name (the Aspire dashboard reads it).</summary>
    public const string LogEventName = "event.name";

    /// <summary>
    /// The evaluated span, for <see cref="EvaluationLogCorrelationProcessor"/>: it moves them into the log record's
    /// trace context (offline, the evaluated span is long over and is not <c>Activity.Current</c>) and removes them.
    /// </summary>
    public const string TargetTraceId = "llmobs.evaluation.trace_id";
    public const string TargetSpanId = "llmobs.evaluation.span_id";
}
