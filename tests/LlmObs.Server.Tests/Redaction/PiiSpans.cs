using System.Text.Json;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests.Redaction;

/// <summary>Where a content value sits: a span attribute, or an attribute of the span's event of that name.</summary>
public sealed record ContentPlace(string Key, string? Event = null)
{
    public static implicit operator ContentPlace(string key) => new(key);

    public override string ToString() => Event is null ? Key : $"{Event}/{Key}";
}

/// <summary>A span of one convention with personal data in every content attribute it has, and a raw user id.</summary>
public sealed record PiiSpan(
    string Convention,
    Span Span,
    IReadOnlyList<ContentPlace> Content,
    IReadOnlyDictionary<string, string> UserIds,
    IReadOnlyDictionary<string, string> Kept);

/// <summary>The spans each convention's SDK writes, carrying e-mail, phone, card and a custom employee id in their content.</summary>
public static class PiiSpans
{
    public const string Email = "alice.smith@example.com";
    public const string Phone = "+44 20 7946 0958";
    public const string Card = "4111 1111 1111 1111";
    public const string EmployeeId = "EMP-123456";
    public const string RawUserId = "alice-42";

    /// <summary>Text that is not personal data and must survive redaction.</summary>
    public const string KeptText = "parcel 7731 refund";

    /// <summary>The personal data, and the parts of it that show through any JSON escaping.</summary>
    public static readonly string[] Pii = [Email, Phone, Card, EmployeeId, "7946 0958", "alice.smith"];

    // As SDKs write JSON: without escaping + and other characters a default System.Text.Json would.
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly string Text = $"Reach me at {Email} or {Phone}, card {Card}, staff {EmployeeId}, about the {KeptText}.";

    public static string Messages(string role) =>
        Serialize(new[] { new { role, parts = new[] { new { type = "text", content = Text } } } });

    public static IEnumerable<string> Conventions => Builders.Keys;

    public static PiiSpan Create(string convention) => Builders[convention]();

    private static readonly Dictionary<string, Func<PiiSpan>> Builders = new()
    {
        ["gen_ai"] = () => Make("gen_ai", "chat gpt-4o-mini",
            [
                A("gen_ai.operation.name", "chat"), A("gen_ai.provider.name", "openai"), A("gen_ai.request.model", "gpt-4o-mini"),
                A("gen_ai.usage.input_tokens", 120), A("gen_ai.usage.output_tokens", 30),
                A("gen_ai.system_instructions", Serialize(new[] { new { type = "text", content = Text } })),
                A("gen_ai.input.messages", Messages("user")), A("gen_ai.output.messages", Messages("assistant")),
                A("gen_ai.conversation.id", "conv-9"), A("user.id", RawUserId),
            ],
            content: ["gen_ai.system_instructions", "gen_ai.input.messages", "gen_ai.output.messages"],
            userIds: ["user.id"],
            kept: new() { ["gen_ai.conversation.id"] = "conv-9", ["gen_ai.request.model"] = "gpt-4o-mini" }),

        ["gen_ai_tool"] = () => Make("gen_ai_tool", "execute_tool lookup_order",
            [
                A("gen_ai.operation.name", "execute_tool"), A("gen_ai.tool.name", "lookup_order"), A("gen_ai.tool.call.id", "call_1"),
                A("gen_ai.tool.call.arguments", Serialize(new { email = Email, note = Text })),
                A("gen_ai.tool.call.result", Text), A("enduser.id", RawUserId),
            ],
            content: ["gen_ai.tool.call.arguments", "gen_ai.tool.call.result"],
            userIds: ["enduser.id"],
            kept: new() { ["gen_ai.tool.name"] = "lookup_order", ["gen_ai.tool.call.id"] = "call_1" }),

        ["gen_ai_retrieval"] = () => Make("gen_ai_retrieval", "retrieval handbook",
            [
                A("gen_ai.operation.name", "retrieval"), A("gen_ai.provider.name", "qdrant"),
                A("gen_ai.retrieval.query.text", Text),
                A("gen_ai.retrieval.documents", Serialize(new[] { new { id = "doc-1", score = 0.9, content = Text } })),
            ],
            content: ["gen_ai.retrieval.query.text", "gen_ai.retrieval.documents"],
            userIds: [],
            kept: new() { ["gen_ai.provider.name"] = "qdrant" }),

        ["gen_ai_events"] = () => Make("gen_ai_events", "chat gpt-4o",
            [
                A("gen_ai.operation.name", "chat"), A("gen_ai.system", "openai"), A("gen_ai.request.model", "gpt-4o"),
                A("gen_ai.usage.prompt_tokens", 50), A("gen_ai.usage.completion_tokens", 10),
            ],
            content:
            [
                new("content", "gen_ai.user.message"),
                new("message", "gen_ai.choice"),
                new("gen_ai.input.messages", "gen_ai.client.inference.operation.details"),
                new("gen_ai.output.messages", "gen_ai.client.inference.operation.details"),
            ],
            userIds: [],
            kept: new() { ["gen_ai.request.model"] = "gpt-4o" },
            events:
            [
                Event("gen_ai.user.message", A("role", "user"), A("content", Text)),
                Event("gen_ai.choice", A("index", 0), A("finish_reason", "stop"), A("message", Serialize(new { role = "assistant", content = Text }))),
                Event("gen_ai.client.inference.operation.details", A("gen_ai.input.messages", Messages("user")), A("gen_ai.output.messages", Messages("assistant"))),
            ]),

        ["openinference"] = () => Make("openinference", "ChatCompletion",
            [
                A("openinference.span.kind", "LLM"), A("llm.model_name", "gpt-4o-mini"), A("llm.provider", "openai"),
                A("llm.token_count.prompt", 200), A("llm.token_count.completion", 40),
                A("input.value", Serialize(new { messages = new[] { new { role = "user", content = Text } } })),
                A("output.value", Text),
                A("llm.input_messages.0.message.role", "user"), A("llm.input_messages.0.message.content", Text),
                A("llm.output_messages.0.message.role", "assistant"), A("llm.output_messages.0.message.content", Text),
                A("llm.output_messages.0.message.tool_calls.0.tool_call.function.name", "lookup_order"),
                A("llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments", Serialize(new { email = Email, order = KeptText })),
                A("user.id", RawUserId), A("session.id", "sess-5"),
            ],
            content:
            [
                "input.value", "output.value", "llm.input_messages.0.message.content", "llm.output_messages.0.message.content",
                "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments",
            ],
            userIds: ["user.id"],
            kept: new()
            {
                ["llm.input_messages.0.message.role"] = "user",
                ["llm.output_messages.0.message.tool_calls.0.tool_call.function.name"] = "lookup_order",
                ["session.id"] = "sess-5",
            }),

        ["openinference_retrieval"] = () => Make("openinference_retrieval", "retrieve",
            [
                A("openinference.span.kind", "RETRIEVER"), A("input.value", Text),
                A("retrieval.documents.0.document.id", "doc-1"), A("retrieval.documents.0.document.score", 0.91),
                A("retrieval.documents.0.document.content", Text),
                A("retrieval.documents.0.document.metadata", Serialize(new { author = Email, topic = KeptText })),
            ],
            content: ["input.value", "retrieval.documents.0.document.content", "retrieval.documents.0.document.metadata"],
            userIds: [],
            kept: new() { ["retrieval.documents.0.document.id"] = "doc-1" }),

        ["langfuse"] = () => Make("langfuse", "generation",
            [
                A("langfuse.observation.type", "generation"), A("langfuse.observation.model.name", "gpt-4o-mini"),
                A("langfuse.observation.usage_details", """{"input":100,"output":20}"""),
                A("langfuse.observation.input", Messages("user")), A("langfuse.observation.output", Text),
                A("langfuse.trace.input", Text), A("langfuse.trace.output", Text),
                A("user.id", RawUserId), A("langfuse.user.id", RawUserId), A("session.id", "sess-6"),
            ],
            content: ["langfuse.observation.input", "langfuse.observation.output", "langfuse.trace.input", "langfuse.trace.output"],
            userIds: ["user.id", "langfuse.user.id"],
            kept: new() { ["langfuse.observation.model.name"] = "gpt-4o-mini", ["session.id"] = "sess-6" }),

        ["traceloop"] = () => Make("traceloop", "openai.chat",
            [
                A("llm.request.type", "chat"), A("gen_ai.system", "openai"), A("gen_ai.request.model", "gpt-4o-mini"),
                A("gen_ai.usage.prompt_tokens", 80), A("gen_ai.usage.completion_tokens", 15),
                A("gen_ai.prompt.0.role", "user"), A("gen_ai.prompt.0.content", Text),
                A("gen_ai.completion.0.role", "assistant"), A("gen_ai.completion.0.content", Text),
                A("traceloop.entity.input", Text), A("traceloop.entity.output", Text),
                A("traceloop.association.properties.user_id", RawUserId),
            ],
            content: ["gen_ai.prompt.0.content", "gen_ai.completion.0.content", "traceloop.entity.input", "traceloop.entity.output"],
            userIds: ["traceloop.association.properties.user_id"],
            kept: new() { ["gen_ai.prompt.0.role"] = "user", ["gen_ai.completion.0.role"] = "assistant" }),

        ["vercel_ai"] = () => Make("vercel_ai", "ai.generateText.doGenerate",
            [
                A("ai.operationId", "ai.generateText.doGenerate"), A("ai.model.id", "gpt-4o-mini"), A("ai.model.provider", "openai.chat"),
                A("ai.usage.promptTokens", 60), A("ai.usage.completionTokens", 12),
                A("ai.prompt", Serialize(new { system = Text, prompt = Text })),
                A("ai.prompt.messages", Serialize(new[] { new { role = "user", content = new[] { new { type = "text", text = Text } } } })),
                A("ai.response.text", Text),
                A("ai.telemetry.functionId", "support_answer"), A("ai.telemetry.metadata.userId", RawUserId),
            ],
            content: ["ai.prompt", "ai.prompt.messages", "ai.response.text"],
            userIds: ["ai.telemetry.metadata.userId"],
            kept: new() { ["ai.telemetry.functionId"] = "support_answer" }),

        ["vercel_ai_tool"] = () => Make("vercel_ai_tool", "ai.toolCall",
            [
                A("ai.operationId", "ai.toolCall"), A("ai.toolCall.name", "lookup_order"), A("ai.toolCall.id", "call_7"),
                A("ai.toolCall.args", Serialize(new { email = Email, note = KeptText })), A("ai.toolCall.result", Text),
            ],
            content: ["ai.toolCall.args", "ai.toolCall.result"],
            userIds: [],
            kept: new() { ["ai.toolCall.name"] = "lookup_order", ["ai.toolCall.id"] = "call_7" }),
    };

    private static PiiSpan Make(
        string convention, string name, KeyValue[] attributes, ContentPlace[] content, string[] userIds, Dictionary<string, string> kept,
        Span.Types.Event[]? events = null)
    {
        var span = Span(NewTraceId(), NewSpanId(), name, null, attributes);
        span.Events.AddRange(events ?? []);
        return new PiiSpan(convention, span, content, userIds.ToDictionary(k => k, _ => RawUserId), kept);
    }

    private static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Json);

    private static KeyValue A(string key, string value) => Attribute(key, value);

    private static KeyValue A(string key, long value) => Attribute(key, value);

    private static KeyValue A(string key, double value) => new() { Key = key, Value = new AnyValue { DoubleValue = value } };

    private static Span.Types.Event Event(string name, params KeyValue[] attributes)
    {
        var e = new Span.Types.Event { Name = name };
        e.Attributes.AddRange(attributes);
        return e;
    }
}
