namespace LlmObs.Annotations;

/// <summary>Who made an annotation.</summary>
public enum AnnotationSource
{
    /// <summary>A check in code (a format rule, a test, an overlap measure).</summary>
    Code,

    /// <summary>A model acting as a judge.</summary>
    Llm,

    /// <summary>A person (a reviewer, a user's thumbs up or down).</summary>
    Human,
}
