using System.Text.Json;
using System.Text.RegularExpressions;
using LlmObs.Semantics;
using Microsoft.Extensions.AI;

namespace LlmObs.Evaluation.Worker;

/// <summary>
/// Rebuilds a model call from its trace as the query API returns it (<c>GET /api/traces/{id}</c>): the messages and
/// answer from <c>gen_ai.input.messages</c> / <c>gen_ai.output.messages</c> (present when the service records
/// content), and the retrieved documents from the trace's retrieval spans (<c>gen_ai.retrieval.documents</c> items
/// with a <c>content</c> or <c>text</c>, OpenInference's <c>retrieval.documents.N.document.content</c>) or, when those
/// hold ids only, the <c>&lt;document&gt;</c> excerpts of the prompt.
/// </summary>
internal static partial class TraceCallReader
{
    public static EvaluatedCall? Read(JsonElement trace, string spanId)
    {
        if (!trace.TryGetProperty("spans", out var spans) || spans.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        JsonElement? call = null;
        var documents = new List<string>();
        foreach (var span in spans.EnumerateArray())
        {
            if (span.GetProperty("spanId").GetString() == spanId)
            {
                call = span;
            }

            if (span.TryGetProperty("attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object)
            {
                documents.AddRange(RetrievedDocuments(attributes));
            }
        }

        if (call is not { } found || !found.TryGetProperty("attributes", out var attrs) || attrs.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var output = Messages(Text(attrs, GenAiAttributes.OutputMessages));
        if (output.Count == 0)
        {
            return null; // content is off for this call: there is nothing to judge
        }

        var input = new List<ChatMessage>();
        if (Text(attrs, GenAiAttributes.SystemInstructions) is { } instructions && Parts(instructions) is { Length: > 0 } system)
        {
            input.Add(new ChatMessage(ChatRole.System, system));
        }

        input.AddRange(Messages(Text(attrs, GenAiAttributes.InputMessages)));
        if (documents.Count == 0)
        {
            documents.AddRange(input.Where(m => m.Role == ChatRole.User)
                .SelectMany(m => DocumentTag().Matches(m.Text).Select(x => x.Groups["text"].Value.Trim())));
        }

        var llm = found.TryGetProperty("llm", out var view) && view.ValueKind == JsonValueKind.Object ? view : default;
        var traceId = found.GetProperty("traceId").GetString()!;
        return new EvaluatedCall(
            traceId,
            spanId,
            String(llm, "feature"),
            String(llm, "model"),
            input,
            new ChatResponse(output) { ResponseId = Text(attrs, GenAiAttributes.ResponseId) },
            documents,
            Text(attrs, GenAiAttributes.ResponseId));
    }

    private static IEnumerable<string> RetrievedDocuments(JsonElement attributes)
    {
        if (Text(attributes, GenAiAttributes.RetrievalDocuments) is { } json)
        {
            List<string> texts = [];
            try
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in document.RootElement.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.Object && (String(item, "content") ?? String(item, "text")) is { Length: > 0 } text)
                        {
                            texts.Add(text);
                        }
                    }
                }
            }
            catch (JsonException)
            {
            }

            foreach (var text in texts)
            {
                yield return text;
            }
        }

        foreach (var property in attributes.EnumerateObject())
        {
            if (property.Name.StartsWith("retrieval.documents.", StringComparison.Ordinal)
                && property.Name.EndsWith(".document.content", StringComparison.Ordinal)
                && property.Value.ValueKind == JsonValueKind.String)
            {
                yield return property.Value.GetString()!;
            }
        }
    }

    /// <summary>GenAI messages JSON (<c>[{"role","parts":[{"type":"text","content"}]}]</c>) as chat messages, text parts only.</summary>
    private static List<ChatMessage> Messages(string? json)
    {
        var messages = new List<ChatMessage>();
        if (json is null)
        {
            return messages;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return messages;
            }

            foreach (var message in document.RootElement.EnumerateArray())
            {
                var role = String(message, "role") ?? "user";
                var text = message.TryGetProperty("parts", out var parts) ? Parts(parts.GetRawText()) : String(message, "content");
                if (!string.IsNullOrEmpty(text))
                {
                    messages.Add(new ChatMessage(new ChatRole(role), text));
                }
            }
        }
        catch (JsonException)
        {
        }

        return messages;
    }

    private static string Parts(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind != JsonValueKind.Array
                ? ""
                : string.Join("\n", document.RootElement.EnumerateArray()
                    .Where(p => p.ValueKind == JsonValueKind.Object && String(p, "type") is null or "text")
                    .Select(p => String(p, "content") ?? String(p, "text"))
                    .Where(t => !string.IsNullOrEmpty(t)));
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static string? Text(JsonElement attributes, string key) =>
        attributes.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? String(JsonElement element, string key) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    [GeneratedRegex(@"<document\b[^>]*>(?<text>.*?)</document>", RegexOptions.Singleline)]
    private static partial Regex DocumentTag();
}
