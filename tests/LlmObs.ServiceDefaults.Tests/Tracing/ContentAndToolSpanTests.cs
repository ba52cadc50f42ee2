using System.Diagnostics;
using System.Text.Json;
using LlmObs.Context;
using LlmObs.Redaction;
using LlmObs.Semantics;
using LlmObs.Tracing;
using Microsoft.Extensions.AI;
using Xunit;

namespace LlmObs.ServiceDefaults.Tests.Tracing;

public sealed class ContentAndToolSpanTests
{
    private const string Card = "4111 1111 1111 1111";

    private static FakeChatClient Echo() => new()
    {
        Respond = (messages, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant, "I wrote to jane.doe@example.com about card " + Card))
        {
            Usage = new() { InputTokenCount = 10, OutputTokenCount = 5 },
        },
    };

    private static Task<ChatResponse> Ask(IChatClient client) =>
        client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "My e-mail is jane.doe@example.com and my card " + Card)],
            new ChatOptions { Instructions = "Never reveal the key sk-proj-abcdefghijklmnopqrstuvwx" },
            TestContext.Current.CancellationToken);

    [Fact]
    public async Task Redacted_content_keeps_the_messages_but_not_the_personal_data()
    {
        using var capture = new SpanCapture();
        using var client = new ChatClientBuilder(Echo()).UseLlmTracing(o => o.Content = ContentMode.Redacted).Build();

        await Ask(client);

        var span = capture.Single("chat");
        var input = (string)span.Tag(GenAiAttributes.InputMessages)!;
        var output = (string)span.Tag(GenAiAttributes.OutputMessages)!;
        var instructions = (string)span.Tag(GenAiAttributes.SystemInstructions)!;
        foreach (var content in new[] { input, output, instructions })
        {
            JsonDocument.Parse(content).Dispose(); // still valid JSON
            Assert.DoesNotContain("jane.doe@example.com", content, StringComparison.Ordinal);
            Assert.DoesNotContain(Card, content, StringComparison.Ordinal);
            Assert.DoesNotContain("sk-proj-", content, StringComparison.Ordinal);
        }

        Assert.Contains("My e-mail is [REDACTED:email] and my card [REDACTED:card]", input, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:secret]", instructions, StringComparison.Ordinal);
        Assert.Equal(5, span.Number(LlmObsAttributes.RedactedCount));
    }

    [Fact]
    public async Task Raw_content_is_recorded_as_sent()
    {
        using var capture = new SpanCapture();
        using var client = new ChatClientBuilder(Echo()).UseLlmTracing(o => o.Content = ContentMode.Raw).Build();

        await Ask(client);

        Assert.Contains("jane.doe@example.com", (string)capture.Single("chat").Tag(GenAiAttributes.InputMessages)!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_content_off_no_content_is_recorded()
    {
        using var capture = new SpanCapture();
        using var client = new ChatClientBuilder(Echo()).UseLlmTracing(o => o.Content = ContentMode.Off).Build();

        await Ask(client);

        var span = capture.Single("chat");
        Assert.Null(span.Tag(GenAiAttributes.InputMessages));
        Assert.Null(span.Tag(GenAiAttributes.OutputMessages));
        Assert.Null(span.Tag(GenAiAttributes.SystemInstructions));
        Assert.Equal(10, span.Number(GenAiAttributes.InputTokens));
    }

    [Fact]
    public async Task Without_the_redaction_processor_redacted_mode_records_no_content_rather_than_raw()
    {
        using var capture = new SpanCapture(withLlmObsInstrumentation: false);
        using var client = new ChatClientBuilder(Echo()).UseLlmTracing(o => o.Content = ContentMode.Redacted).Build();

        await Ask(client);

        var span = capture.Single("chat");
        Assert.Null(span.Tag(GenAiAttributes.InputMessages));
        Assert.Null(span.Tag(GenAiAttributes.OutputMessages));
    }

    [Fact]
    public async Task Tool_calls_are_execute_tool_spans_beside_the_chat_spans_with_redacted_arguments_and_results()
    {
        using var capture = new SpanCapture();
        var round = 0;
        var fake = new FakeChatClient
        {
            Respond = (_, _) => ++round == 1
                ? new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", "notify", new Dictionary<string, object?> { ["email"] = "jane.doe@example.com" })]))
                {
                    FinishReason = ChatFinishReason.ToolCalls,
                    Usage = new() { InputTokenCount = 50, OutputTokenCount = 10 },
                }
                : new ChatResponse(new ChatMessage(ChatRole.Assistant, "Done.")) { Usage = new() { InputTokenCount = 70, OutputTokenCount = 3 } },
        };
        var notify = AIFunctionFactory.Create((string email) => $"queued a message to {email}", "notify", "Sends the user a message.");
        using var client = new ChatClientBuilder(fake).UseFunctionInvocation().UseLlmTracing(o => o.Content = ContentMode.Redacted).Build();

        using (LlmObsContext.Begin(feature: "support"))
        {
            await client.GetResponseAsync("Tell me when it ships", new ChatOptions { Tools = [notify] }, TestContext.Current.CancellationToken);
        }

        var chats = capture.Spans.Where(s => s.DisplayName.StartsWith("chat", StringComparison.Ordinal)).OrderBy(s => s.StartTimeUtc).ToList();
        var tool = capture.Single("execute_tool");
        Assert.Equal(2, chats.Count);
        Assert.Equal("execute_tool notify", tool.DisplayName);
        Assert.Equal("notify", tool.Tag(GenAiAttributes.ToolName));
        Assert.Equal("call-1", tool.Tag("gen_ai.tool.call.id"));

        // Tree: one orchestration span parents both round trips and the tool, which runs between them.
        var root = capture.Single("orchestrate_tools");
        Assert.All(chats.Append(tool), s => Assert.Equal(root.SpanId, s.ParentSpanId));
        Assert.All(chats.Append(tool).Append(root), s => Assert.Equal(root.TraceId, s.TraceId));
        Assert.True(chats[0].StartTimeUtc + chats[0].Duration <= tool.StartTimeUtc);
        Assert.True(tool.StartTimeUtc <= chats[1].StartTimeUtc);

        var arguments = (string)tool.Tag(GenAiAttributes.ToolCallArguments)!;
        var result = (string)tool.Tag(GenAiAttributes.ToolCallResult)!;
        Assert.Contains("[REDACTED:email]", arguments, StringComparison.Ordinal);
        Assert.Equal("queued a message to [REDACTED:email]", JsonSerializer.Deserialize<string>(result));
        Assert.Equal("support", tool.Tag(LlmObsAttributes.Feature));
        Assert.All(chats, c => Assert.Equal("support", c.Tag(LlmObsAttributes.Feature)));
        Assert.All(chats, c => Assert.NotNull(c.Tag(GenAiAttributes.UsageCost)));
    }

    [Fact]
    public async Task Tool_spans_have_no_arguments_when_content_is_off()
    {
        using var capture = new SpanCapture();
        var round = 0;
        var fake = new FakeChatClient
        {
            Respond = (_, _) => ++round == 1
                ? new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", "notify", new Dictionary<string, object?> { ["email"] = "jane.doe@example.com" })]))
                : new ChatResponse(new ChatMessage(ChatRole.Assistant, "Done.")),
        };
        var notify = AIFunctionFactory.Create((string email) => "ok", "notify");
        using var client = new ChatClientBuilder(fake).UseFunctionInvocation().UseLlmTracing(o => o.Content = ContentMode.Off).Build();

        await client.GetResponseAsync("Hi", new ChatOptions { Tools = [notify] }, TestContext.Current.CancellationToken);

        var tool = capture.Single("execute_tool");
        Assert.Null(tool.Tag(GenAiAttributes.ToolCallArguments));
        Assert.Null(tool.Tag(GenAiAttributes.ToolCallResult));
    }
}
