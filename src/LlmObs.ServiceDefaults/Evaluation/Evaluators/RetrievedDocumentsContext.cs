using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmObs.Evaluation.Evaluators;

/// <summary>
/// The documents retrieved for the answer being evaluated (from the trace's retrieval spans, or the excerpts the
/// prompt carried): what <see cref="GroundednessOverlapEvaluator"/> measures the answer against.
/// </summary>
public sealed class RetrievedDocumentsContext : EvaluationContext
{
    /// <summary>The context's name.</summary>
    public const string ContextName = "Retrieved documents";

    /// <summary>Creates the context.</summary>
    /// <param name="documents">The documents' text.</param>
    public RetrievedDocumentsContext(IEnumerable<string> documents)
        : base(ContextName, documents.Select(d => (AIContent)new TextContent(d)).ToList())
    {
        Documents = Contents.OfType<TextContent>().Select(t => t.Text).ToList();
    }

    /// <summary>The documents' text.</summary>
    public IReadOnlyList<string> Documents { get; }
}
