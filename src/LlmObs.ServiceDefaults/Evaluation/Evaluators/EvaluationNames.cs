namespace LlmObs.Evaluation.Evaluators;

/// <summary>The annotation names LlmObs's evaluators write; every score runs from 0 (worst) to 1 (best).</summary>
public static class EvaluationNames
{
    /// <summary>Share of the answer's content words found in the retrieved documents of the same trace.</summary>
    public const string Groundedness = "eval.groundedness";

    /// <summary>1 for an answer, 0 for an empty answer or a refusal (label <c>answered</c>, <c>empty</c>, <c>refusal</c>).</summary>
    public const string Answer = "eval.answer";

    /// <summary>1 when the answer passes the format checks (valid JSON, at most so many characters), else 0.</summary>
    public const string Format = "eval.format";

    /// <summary>An LLM judge's rating of the answer (1–5 mapped to 0–1).</summary>
    public const string Quality = "eval.quality";

    /// <summary>Metric metadata key saying who judged: <c>code</c> or <c>llm</c> (the annotation's source).</summary>
    internal const string SourceMetadata = "llmobs.source";
}
