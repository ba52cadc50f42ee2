using LlmObs.Server.Ingest;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Normalization.Conventions;

/// <summary>
/// OpenLLMetry (Traceloop): <c>traceloop.span.kind</c> (workflow, task, agent, tool), <c>llm.request.type</c>
/// (chat, completion, embedding, rerank), content flattened as <c>gen_ai.prompt.N.*</c> / <c>gen_ai.completion.N.*</c>,
/// <c>llm.usage.total_tokens</c>; model and token counts in the older GenAI names, which <see cref="GenAiConvention"/> reads.
/// </summary>
internal sealed class TraceloopConvention : ILlmConvention
{
    public string Name => "traceloop";

    public bool Recognises(SpanAttributes attributes, Span span) =>
        attributes.Contains("traceloop.span.kind") || attributes.Contains("llm.request.type") || attributes.Contains("llm.usage.total_tokens")
        || attributes.AnyStartsWith("gen_ai.prompt.") || attributes.AnyStartsWith("gen_ai.completion.");

    public void Read(SpanAttributes a, Span span, LlmViewDraft d)
    {
        var requestType = a.String("llm.request.type");
        d.Kind ??= requestType switch
        {
            "chat" or "completion" => SpanKinds.Llm,
            "embedding" => SpanKinds.Embedding,
            "rerank" => SpanKinds.Rerank,
            _ => a.String("traceloop.span.kind") switch
            {
                "workflow" or "task" => SpanKinds.Chain,
                "agent" => SpanKinds.Agent,
                "tool" => SpanKinds.Tool,
                null => a.AnyStartsWith("gen_ai.prompt.") || a.AnyStartsWith("gen_ai.completion.") ? SpanKinds.Llm : null,
                _ => SpanKinds.Other,
            },
        };
        d.Operation ??= requestType == "completion" ? "text_completion" : SpanKinds.GenAiOperation(d.Kind);

        d.Input ??= IndexedAttributes.Messages(a, "gen_ai.prompt", "role", "content") ?? a.Text("traceloop.entity.input");
        d.Output ??= IndexedAttributes.Messages(a, "gen_ai.completion", "role", "content") ?? a.Text("traceloop.entity.output");
        if (d.Kind == SpanKinds.Tool)
        {
            d.Tool ??= new LlmToolCall(a.String("traceloop.entity.name") ?? span.Name, null, a.Text("traceloop.entity.input"), a.Text("traceloop.entity.output"));
        }

        d.User ??= a.String("traceloop.association.properties.user_id");
        d.Session ??= a.String("traceloop.association.properties.session_id");
    }
}
