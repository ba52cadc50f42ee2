namespace LlmObs.Playground.RagApi.Documents;

/// <summary>A page of Tidewater's internal handbook, the corpus the service answers from.</summary>
/// <param name="Id">A stable, human-readable id, cited in answers and recorded on retrieval spans.</param>
/// <param name="Title">The page title.</param>
/// <param name="Section">The handbook section the page belongs to, e.g. <c>Refunds and returns</c>.</param>
/// <param name="Text">The page body.</param>
public sealed record HandbookDocument(string Id, string Title, string Section, string Text);
