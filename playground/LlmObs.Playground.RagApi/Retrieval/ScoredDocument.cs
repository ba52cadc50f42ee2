using LlmObs.Playground.RagApi.Documents;

namespace LlmObs.Playground.RagApi.Retrieval;

/// <summary>A handbook page a search returned, with its cosine similarity to the query.</summary>
public sealed record ScoredDocument(HandbookDocument Document, double Score);
