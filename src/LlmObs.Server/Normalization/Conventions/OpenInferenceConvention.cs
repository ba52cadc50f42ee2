using LlmObs.Server.Ingest;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Normalization.Conventions;

/// <summary>
/// OpenInference (Arize Phoenix and its instrumentors): <c>openinference.span.kind</c>, <c>llm.*</c> model, token and
/// cost attributes, flattened <c>llm.input_messages.N.message.*</c>, <c>retrieval.documents.N.document.*</c>,
/// <c>input.value</c> / <c>output.value</c>. Token counts follow OpenAI's shape: prompt includes the cache details.
/// </summary>
internal sealed class OpenInferenceConvention : ILlmConvention
{
    public string Name => "openinference";

    public bool Recognises(SpanAttributes attributes, Span span) =>
        attributes.Contains("openinference.span.kind") || attributes.Contains("llm.model_name") || attributes.AnyStartsWith("llm.token_count.");

    public void Read(SpanAttributes a, Span span, LlmViewDraft d)
    {
        d.Kind ??= a.String("openinference.span.kind")?.ToUpperInvariant() switch
        {
            "LLM" => SpanKinds.Llm,
            "EMBEDDING" => SpanKinds.Embedding,
            "RETRIEVER" => SpanKinds.Retrieval,
            "RERANKER" => SpanKinds.Rerank,
            "TOOL" => SpanKinds.Tool,
            "AGENT" => SpanKinds.Agent,
            "CHAIN" => SpanKinds.Chain,
            null => a.Contains("llm.model_name") ? SpanKinds.Llm : null,
            _ => SpanKinds.Other, // GUARDRAIL, EVALUATOR, PROMPT, UNKNOWN
        };
        d.Operation ??= SpanKinds.GenAiOperation(d.Kind);
        d.Model ??= a.String("llm.model_name") ?? a.String("embedding.model_name") ?? a.String("reranker.model_name");
        d.Provider ??= a.String("llm.provider") ?? a.String("llm.system");

        d.InputTokens ??= a.Long("llm.token_count.prompt");
        d.OutputTokens ??= a.Long("llm.token_count.completion");
        d.CacheReadTokens ??= a.Long("llm.token_count.prompt_details.cache_read");
        d.CacheWriteTokens ??= a.Long("llm.token_count.prompt_details.cache_write");
        d.ReasoningTokens ??= a.Long("llm.token_count.completion_details.reasoning");

        var total = a.Double("llm.cost.total") ?? Sum(a.Double("llm.cost.prompt"), a.Double("llm.cost.completion"));
        if (total is not null)
        {
            d.CostTotal ??= total;
            d.CostSource ??= "client";
        }

        d.CostInput ??= a.Double("llm.cost.prompt_details.input");
        d.CostCachedInput ??= a.Double("llm.cost.prompt_details.cache_read");
        d.CostCacheWrite ??= a.Double("llm.cost.prompt_details.cache_write");
        d.CostOutput ??= a.Double("llm.cost.completion_details.output");
        d.CostReasoning ??= a.Double("llm.cost.completion_details.reasoning");

        d.Input ??= IndexedAttributes.Messages(a, "llm.input_messages", "message.role", "message.content") ?? a.Text("input.value");
        d.Output ??= IndexedAttributes.Messages(a, "llm.output_messages", "message.role", "message.content") ?? a.Text("output.value");
        d.Documents ??= Documents(a, "retrieval.documents") ?? Documents(a, "reranker.output_documents");
        if (d.Kind == SpanKinds.Tool)
        {
            d.Tool ??= new LlmToolCall(a.String("tool.name") ?? span.Name, a.String("tool_call.id"), a.Text("input.value"), a.Text("output.value"));
        }

        d.User ??= a.String("user.id");
        d.Session ??= a.String("session.id");
    }

    private static List<RetrievedDocumentView>? Documents(SpanAttributes a, string prefix)
    {
        var groups = IndexedAttributes.Group(a, prefix);
        return groups.Count == 0
            ? null
            : groups.Values.Select(f => new RetrievedDocumentView(
                AttributeValue.AsString(f.GetValueOrDefault("document.id")),
                AttributeValue.AsDouble(f.GetValueOrDefault("document.score")),
                AttributeValue.AsText(f.GetValueOrDefault("document.content")))).ToList();
    }

    private static double? Sum(double? a, double? b) => a is null && b is null ? null : (a ?? 0) + (b ?? 0);
}
