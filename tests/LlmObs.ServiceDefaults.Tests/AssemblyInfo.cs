using Xunit;

// Spans of every test go through the one "LlmObs" source, and content policy and pricing defaults are process-wide:
// tests run one at a time so that each sees only its own spans.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
