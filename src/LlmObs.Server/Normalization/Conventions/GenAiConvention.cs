using System.Text.Json;
using LlmObs.Server.Ingest;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Normalization.Conventions;

/// <summary>
/// The OpenTelemetry GenAI conventions, current (v1.41: <c>gen_ai.provider.name</c>, <c>input_tokens</c>, content in
/// <c>gen_ai.input.messages</c> / <c>gen_ai.output.messages</c>) and older (<c>gen_ai.system</c>, <c>prompt_tokens</c>,
/// <c>gen_ai.prompt</c> / <c>gen_ai.completion</c>, content as span events). Read last: the other conventions reuse
/// parts of it, and a more specific reading of the same span wins.
/// </summary>
internal sealed class GenAiConvention : ILlmConvention
{
    private const int MaxDocuments = 1_000;

    public string Name => "gen_ai";

    public bool Recognises(SpanAttributes attributes, Span span) =>
        attributes.Contains("gen_ai.operation.name") || attributes.Contains("gen_ai.provider.name") || attributes.Contains("gen_ai.system")
        || attributes.Contains("gen_ai.request.model") || attributes.Contains("gen_ai.response.model");

    public void Read(SpanAttributes a, Span span, LlmViewDraft d)
    {
        d.Operation ??= a.String("gen_ai.operation.name");
        d.Kind ??= SpanKinds.OfGenAiOperation(d.Operation);
        d.Provider ??= a.String("gen_ai.provider.name") ?? a.String("gen_ai.system");
        d.Model ??= a.String("gen_ai.response.model") ?? a.String("gen_ai.request.model");

        d.InputTokens ??= a.Long("gen_ai.usage.input_tokens") ?? a.Long("gen_ai.usage.prompt_tokens");
        d.OutputTokens ??= a.Long("gen_ai.usage.output_tokens") ?? a.Long("gen_ai.usage.completion_tokens");
        d.CacheReadTokens ??= a.Long("gen_ai.usage.cache_read.input_tokens") ?? a.Long("gen_ai.usage.cache_read_input_tokens");
        d.CacheWriteTokens ??= a.Long("gen_ai.usage.cache_creation.input_tokens") ?? a.Long("gen_ai.usage.cache_creation_input_tokens");
        d.ReasoningTokens ??= a.Long("gen_ai.usage.reasoning.output_tokens") ?? a.Long("gen_ai.usage.reasoning_tokens");
        if (a.Double("gen_ai.usage.cost") is { } cost)
        {
            d.CostTotal ??= cost;
        }

        // Seconds in the conventions (MEAI's gen_ai.response.time_to_first_chunk); the view keeps milliseconds.
        if (a.Double("gen_ai.response.time_to_first_chunk") is { } firstChunkSeconds)
        {
            d.TimeToFirstTokenMs ??= firstChunkSeconds * 1000;
        }

        d.Session ??= a.String("gen_ai.conversation.id");
        d.Input ??= a.Text("gen_ai.input.messages") ?? a.Text("gen_ai.prompt") ?? InputFromEvents(span);
        d.Output ??= a.Text("gen_ai.output.messages") ?? a.Text("gen_ai.completion") ?? OutputFromEvents(span);

        if (a.String("gen_ai.tool.name") is { } toolName)
        {
            d.Tool ??= new LlmToolCall(toolName, a.String("gen_ai.tool.call.id"), a.Text("gen_ai.tool.call.arguments"), a.Text("gen_ai.tool.call.result"));
        }

        d.Documents ??= Documents(a.String("gen_ai.retrieval.documents"));
        if (d.Kind == SpanKinds.Retrieval)
        {
            d.Input ??= a.Text("gen_ai.retrieval.query.text");
        }
    }

    // Content as events: the per-message events of the conventions before v1.37 (gen_ai.user.message, gen_ai.choice…),
    // the older gen_ai.content.prompt / .completion pair, and v1.37's gen_ai.client.inference.operation.details.
    private static string? InputFromEvents(Span span)
    {
        var messages = new MessageList();
        foreach (var e in span.Events)
        {
            var attributes = new SpanAttributes(e.Attributes);
            switch (e.Name)
            {
                case "gen_ai.client.inference.operation.details" when attributes.Text("gen_ai.input.messages") is { } details:
                    return details;
                case "gen_ai.content.prompt" when attributes.Text("gen_ai.prompt") is { } prompt:
                    return prompt;
                case "gen_ai.system.message":
                case "gen_ai.user.message":
                case "gen_ai.assistant.message":
                case "gen_ai.tool.message":
                    messages.Add(attributes.String("role") ?? e.Name["gen_ai.".Length..^".message".Length], attributes.Get("content") ?? attributes.Get("message"));
                    break;
            }
        }

        return messages.ToJson();
    }

    private static string? OutputFromEvents(Span span)
    {
        var messages = new MessageList();
        foreach (var e in span.Events)
        {
            var attributes = new SpanAttributes(e.Attributes);
            switch (e.Name)
            {
                case "gen_ai.client.inference.operation.details" when attributes.Text("gen_ai.output.messages") is { } details:
                    return details;
                case "gen_ai.content.completion" when attributes.Text("gen_ai.completion") is { } completion:
                    return completion;
                case "gen_ai.choice":
                    messages.Add("assistant", attributes.Get("message") ?? attributes.Get("content"));
                    break;
            }
        }

        return messages.ToJson();
    }

    /// <summary><c>gen_ai.retrieval.documents</c>: a JSON array of <c>{id, score}</c> objects.</summary>
    internal static List<RetrievedDocumentView>? Documents(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var documents = new List<RetrievedDocumentView>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (documents.Count >= MaxDocuments || item.ValueKind != JsonValueKind.Object)
                {
                    break;
                }

                documents.Add(new RetrievedDocumentView(
                    item.TryGetProperty("id", out var id) ? JsonText(id) : null,
                    item.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number && score.TryGetDouble(out var s) ? s : null,
                    item.TryGetProperty("content", out var content) ? JsonText(content) : null));
            }

            return documents;
        }
        catch (Exception e) when (e is JsonException or ArgumentException) // half a surrogate pair cannot be transcoded to UTF-8
        {
            return null; // the raw attribute is still kept; a view without documents beats a failed ingest
        }
    }

    private static string? JsonText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => element.GetRawText(),
    };
}
