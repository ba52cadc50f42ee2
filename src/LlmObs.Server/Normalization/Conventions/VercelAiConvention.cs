using LlmObs.Server.Ingest;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Normalization.Conventions;

/// <summary>
/// The Vercel AI SDK's telemetry: <c>ai.operationId</c> / <c>operation.name</c> (e.g. <c>ai.generateText.doGenerate</c>),
/// <c>ai.model.id</c>, <c>ai.model.provider</c> (<c>openai.chat</c>), usage as <c>ai.usage.promptTokens</c> (v4) or
/// <c>ai.usage.inputTokens</c> (v5), content in <c>ai.prompt.messages</c> / <c>ai.response.text</c>.
/// </summary>
internal sealed class VercelAiConvention : ILlmConvention
{
    public string Name => "vercel_ai";

    public bool Recognises(SpanAttributes attributes, Span span) =>
        attributes.Contains("ai.operationId") || attributes.Contains("ai.model.id") || attributes.Contains("ai.toolCall.name")
        || (attributes.String("operation.name")?.StartsWith("ai.", StringComparison.Ordinal) ?? false);

    public void Read(SpanAttributes a, Span span, LlmViewDraft d)
    {
        // operation.name is "{operationId} {functionId}"; ai.operationId alone is the id.
        var operationId = a.String("ai.operationId") ?? a.String("operation.name")?.Split(' ', 2)[0] ?? span.Name;
        var kind = operationId switch
        {
            "ai.generateText.doGenerate" or "ai.streamText.doStream" or "ai.generateObject.doGenerate" or "ai.streamObject.doStream" => SpanKinds.Llm,
            "ai.embed.doEmbed" or "ai.embedMany.doEmbed" => SpanKinds.Embedding,
            "ai.toolCall" => SpanKinds.Tool,
            "ai.rerank.doRerank" => SpanKinds.Rerank,
            _ => SpanKinds.Chain, // ai.generateText, ai.streamText, ai.embed…: the call around the provider calls
        };
        d.Kind ??= kind;
        d.Operation ??= SpanKinds.GenAiOperation(d.Kind);
        d.Model ??= a.String("ai.response.model") ?? a.String("ai.model.id");
        d.Provider ??= a.String("ai.model.provider")?.Split('.', 2)[0];

        // The outer ai.generateText span repeats the usage of the provider calls under it; counting it too would
        // double every token and cost in the trace totals. Its raw attributes still carry it.
        if (kind != SpanKinds.Chain)
        {
            d.InputTokens ??= a.Long("ai.usage.inputTokens") ?? a.Long("ai.usage.promptTokens") ?? a.Long("ai.usage.tokens");
            d.OutputTokens ??= a.Long("ai.usage.outputTokens") ?? a.Long("ai.usage.completionTokens");
            d.CacheReadTokens ??= a.Long("ai.usage.cachedInputTokens");
            d.ReasoningTokens ??= a.Long("ai.usage.reasoningTokens");
        }

        d.TimeToFirstTokenMs ??= a.Double("ai.response.msToFirstChunk") ?? a.Double("ai.stream.msToFirstChunk");
        d.Input ??= a.Text("ai.prompt.messages") ?? a.Text("ai.prompt") ?? a.Text("ai.value") ?? a.Text("ai.values");
        d.Output ??= a.Text("ai.response.text") ?? a.Text("ai.response.object") ?? a.Text("ai.response.toolCalls");
        if (a.String("ai.toolCall.name") is { } toolName)
        {
            d.Tool ??= new LlmToolCall(toolName, a.String("ai.toolCall.id"),
                a.Text("ai.toolCall.args") ?? a.Text("ai.toolCall.input"), a.Text("ai.toolCall.result") ?? a.Text("ai.toolCall.output"));
        }

        // functionId is how the AI SDK names what a call is for: LlmObs's feature.
        d.Feature ??= a.String("ai.telemetry.functionId");
        d.User ??= a.String("ai.telemetry.metadata.userId");
        d.Session ??= a.String("ai.telemetry.metadata.sessionId");
    }
}
