using LlmObs.Evaluation.Evaluators;

namespace LlmObs.Evaluation.Worker;

/// <summary>What the offline evaluation worker judges, how much of it, and how often; bound from <c>LlmObs:Evaluation</c>.</summary>
public sealed class EvaluationWorkerOptions
{
    /// <summary>The configuration section: <c>LlmObs:Evaluation</c>.</summary>
    public const string SectionName = "LlmObs:Evaluation";

    /// <summary>The feature the judge's own calls are traced under; its calls are never judged themselves.</summary>
    public string JudgeFeature { get; set; } = "eval_judge";

    /// <summary>Only calls of these features; every feature when empty.</summary>
    public List<string> Features { get; set; } = [];

    /// <summary>Share of calls judged (0–1), decided from the trace id so every run agrees; default all.</summary>
    public double SampleRate { get; set; } = 1;

    /// <summary>Share per feature, overriding <see cref="SampleRate"/>.</summary>
    public Dictionary<string, double> FeatureSampleRates { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The budget: at most this many calls judged per hour (each may cost one judge call).</summary>
    public int MaxEvaluationsPerHour { get; set; } = 600;

    /// <summary>Calls fetched per run.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>Time between runs when there was nothing to do.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How far back the first run looks.</summary>
    public TimeSpan Lookback { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Spans can be stored a little after they start (tail sampling waits); the worker looks back this much on each run.</summary>
    public TimeSpan IngestLag { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The annotations' identifier: a re-run with the same one replaces its earlier scores.</summary>
    public string Identifier { get; set; } = "offline";

    /// <summary>Rules of the format check.</summary>
    public FormatRules Format { get; set; } = new();

    /// <summary>Run the LLM judge (when a judge client is registered).</summary>
    public bool UseJudge { get; set; } = true;
}
