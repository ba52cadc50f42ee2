using System.Diagnostics;
using LlmObs.Context;
using LlmObs.Redaction;
using LlmObs.Semantics;
using LlmObs.Tracing;
using Microsoft.Extensions.AI;
using Xunit;

namespace LlmObs.ServiceDefaults.Tests.Tracing;

public sealed class ChatSpanTests
{
    private static IChatClient Pipeline(IChatClient inner, Action<LlmTracingOptions>? configure = null) =>
        new ChatClientBuilder(inner).UseLlmTracing(configure).Build();

    [Fact]
    public async Task A_call_has_every_field_of_the_chat_span_and_its_cost_breakdown()
    {
        using var capture = new SpanCapture();
        var fake = new FakeChatClient
        {
            Provider = "anthropic",
            DefaultModel = "claude-sonnet-4-5",
            Respond = (_, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant, "Refunds take 5 days."))
            {
                ModelId = "claude-sonnet-4-5-20250929",
                ResponseId = "msg_1",
                FinishReason = ChatFinishReason.Stop,
                Usage = new UsageDetails
                {
                    InputTokenCount = 10_000,
                    CachedInputTokenCount = 6_000,
                    OutputTokenCount = 500,
                    ReasoningTokenCount = 100,
                    AdditionalCounts = new() { ["CacheCreationInputTokens"] = 2_000 },
                },
            },
        };
        using var client = Pipeline(fake, o => o.Feature = "summarise_thread");

        await client.GetResponseAsync("Summarise", new ChatOptions
        {
            Temperature = 0.2f, MaxOutputTokens = 800, TopP = 0.9f, TopK = 40, Seed = 7, ConversationId = "thread-9",
        }, TestContext.Current.CancellationToken);

        var span = capture.Single("chat");
        Assert.Equal("chat claude-sonnet-4-5", span.DisplayName);
        Assert.Equal("chat", span.Tag(GenAiAttributes.OperationName));
        Assert.Equal("anthropic", span.Tag(GenAiAttributes.ProviderName));
        Assert.Equal("claude-sonnet-4-5", span.Tag(GenAiAttributes.RequestModel));
        Assert.Equal("claude-sonnet-4-5-20250929", span.Tag(GenAiAttributes.ResponseModel));
        Assert.Equal("msg_1", span.Tag("gen_ai.response.id"));
        Assert.Equal(0.2, span.Number("gen_ai.request.temperature"), 1e-6);
        Assert.Equal(800, span.Number("gen_ai.request.max_tokens"));
        Assert.Equal(0.9, span.Number("gen_ai.request.top_p"), 1e-6);
        Assert.Equal(40, span.Number("gen_ai.request.top_k"));
        Assert.Equal("[\"stop\"]", span.Tag("gen_ai.response.finish_reasons"));
        Assert.Equal("thread-9", span.Tag(GenAiAttributes.ConversationId));
        Assert.Equal(10_000, span.Number(GenAiAttributes.InputTokens));
        Assert.Equal(500, span.Number(GenAiAttributes.OutputTokens));
        Assert.Equal(6_000, span.Number(GenAiAttributes.CacheReadTokens));
        Assert.Equal(2_000, span.Number(GenAiAttributes.CacheCreationTokens));
        Assert.Equal(100, span.Number(GenAiAttributes.ReasoningTokens));
        Assert.Equal("summarise_thread", span.Tag(LlmObsAttributes.Feature));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        // By hand from the table: input 3e-6, cache read 3e-7, cache write 3.75e-6, output 1.5e-5 (reasoning at output).
        const double input = 2_000 * 3e-6, cached = 6_000 * 3e-7, write = 2_000 * 3.75e-6, output = 400 * 1.5e-5, reasoning = 100 * 1.5e-5;
        Assert.Equal(input, span.Number(LlmObsAttributes.CostInput), 1e-12);
        Assert.Equal(cached, span.Number(LlmObsAttributes.CostCachedInput), 1e-12);
        Assert.Equal(write, span.Number(LlmObsAttributes.CostCacheWrite), 1e-12);
        Assert.Equal(output, span.Number(LlmObsAttributes.CostOutput), 1e-12);
        Assert.Equal(reasoning, span.Number(LlmObsAttributes.CostReasoning), 1e-12);
        Assert.Equal(input + cached + write + output + reasoning, span.Number(GenAiAttributes.UsageCost), 1e-12);
        Assert.Null(span.Tag(LlmObsAttributes.CostTotal)); // one name for the total

        // Computed, not reported by the provider: the catalog that computed it says so. The currency is the resource's.
        Assert.Equal("litellm-2026-07-24", span.Tag(LlmObsAttributes.CostCatalog));
        Assert.Null(span.Tag(LlmObsAttributes.CostSource));
        Assert.Equal("USD", capture.ResourceAttribute(LlmObsAttributes.CostCurrency));
        Assert.Null(span.Tag(LlmObsAttributes.Unpriced));
    }

    [Fact]
    public async Task A_part_of_the_cost_that_is_zero_is_left_off_the_span_and_the_total_is_still_there()
    {
        using var capture = new SpanCapture();
        var fake = new FakeChatClient
        {
            Provider = "openai",
            DefaultModel = "gpt-4o-mini",
            Respond = (_, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant, "Yes."))
            {
                ModelId = "gpt-4o-mini",
                Usage = new UsageDetails { InputTokenCount = 1_000, OutputTokenCount = 100 },
            },
        };
        using var client = Pipeline(fake);

        await client.GetResponseAsync("Is it?", cancellationToken: TestContext.Current.CancellationToken);

        // By hand: gpt-4o-mini input 1.5e-7, output 6e-7 per token.
        var span = capture.Single("chat");
        Assert.Equal(1_000 * 1.5e-7, span.Number(LlmObsAttributes.CostInput), 1e-12);
        Assert.Equal(100 * 6e-7, span.Number(LlmObsAttributes.CostOutput), 1e-12);
        Assert.Equal(1_000 * 1.5e-7 + 100 * 6e-7, span.Number(GenAiAttributes.UsageCost), 1e-12);
        Assert.Null(span.Tag(LlmObsAttributes.CostCachedInput));
        Assert.Null(span.Tag(LlmObsAttributes.CostCacheWrite));
        Assert.Null(span.Tag(LlmObsAttributes.CostReasoning));
        Assert.Equal("litellm-2026-07-24", span.Tag(LlmObsAttributes.CostCatalog));
    }

    [Fact]
    public async Task A_streamed_call_records_time_to_first_chunk_tokens_and_cost()
    {
        using var capture = new SpanCapture();
        var fake = new FakeChatClient();
        fake.Chunks.AddRange([FakeChatClient.Text("Refunds "), FakeChatClient.Text("take 5 days."), FakeChatClient.Usage(1_000, 20, cached: 400)]);
        using var client = Pipeline(fake);

        var text = "";
        await foreach (var update in client.GetStreamingResponseAsync("How long?", cancellationToken: TestContext.Current.CancellationToken))
        {
            text += update.Text;
        }

        Assert.Equal("Refunds take 5 days.", text);
        var span = capture.Single("chat");
        Assert.Equal(true, span.Tag("gen_ai.request.stream"));
        Assert.True(span.Number("gen_ai.response.time_to_first_chunk") >= 0);
        Assert.Equal(1_000, span.Number(GenAiAttributes.InputTokens));
        Assert.Equal(400, span.Number(GenAiAttributes.CacheReadTokens));
        Assert.Equal(600 * 1.5e-7 + 400 * 7.5e-8 + 20 * 6e-7, span.Number(GenAiAttributes.UsageCost), 1e-12);
    }

    [Fact]
    public async Task A_stream_that_fails_midway_keeps_what_it_received_and_the_error()
    {
        using var capture = new SpanCapture();
        var fake = new FakeChatClient();
        fake.Chunks.AddRange([FakeChatClient.Usage(1_000, 5), FakeChatClient.Text("Refunds "), new HttpRequestException("connection reset")]);
        using var client = Pipeline(fake);

        var received = 0;
        await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("How long?", cancellationToken: TestContext.Current.CancellationToken))
            {
                received++;
            }
        });

        Assert.Equal(2, received);
        var span = capture.Single("chat");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(typeof(HttpRequestException).FullName, span.Tag(GenAiAttributes.ErrorType));
        Assert.True(span.Number("gen_ai.response.time_to_first_chunk") >= 0);
        Assert.Equal(1_000, span.Number(GenAiAttributes.InputTokens));
        Assert.Equal(1_000 * 1.5e-7 + 5 * 6e-7, span.Number(GenAiAttributes.UsageCost), 1e-12);
    }

    [Fact]
    public async Task A_stream_cancelled_midway_keeps_what_it_received()
    {
        using var capture = new SpanCapture();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var fake = new FakeChatClient { BeforeChunk = i => { if (i == 2) { cts.Cancel(); } } };
        fake.Chunks.AddRange([FakeChatClient.Usage(300, 2), FakeChatClient.Text("Refunds "), FakeChatClient.Text("take")]);
        using var client = Pipeline(fake);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("How long?", cancellationToken: cts.Token))
            {
            }
        });

        var span = capture.Single("chat");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Contains("OperationCanceledException", (string)span.Tag(GenAiAttributes.ErrorType)!);
        Assert.True(span.Number("gen_ai.response.time_to_first_chunk") >= 0);
        Assert.Equal(300, span.Number(GenAiAttributes.InputTokens));
        Assert.Equal(300 * 1.5e-7 + 2 * 6e-7, span.Number(GenAiAttributes.UsageCost), 1e-12);
    }

    [Fact]
    public async Task A_consumer_that_stops_reading_early_still_gets_the_usage_seen_so_far()
    {
        using var capture = new SpanCapture();
        var fake = new FakeChatClient();
        fake.Chunks.AddRange([FakeChatClient.Usage(300, 2), FakeChatClient.Text("a"), FakeChatClient.Text("b")]);
        using var client = Pipeline(fake);

        await foreach (var update in client.GetStreamingResponseAsync("How long?", cancellationToken: TestContext.Current.CancellationToken))
        {
            break;
        }

        var span = capture.Single("chat");
        Assert.Equal(300 * 1.5e-7 + 2 * 6e-7, span.Number(GenAiAttributes.UsageCost), 1e-12);
    }

    [Fact]
    public async Task A_provider_error_marks_the_span_failed_with_its_type_and_no_cost()
    {
        using var capture = new SpanCapture();
        var fake = new FakeChatClient { Respond = (_, _) => throw new InvalidOperationException("429 Too Many Requests") };
        using var client = Pipeline(fake);

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        var span = capture.Single("chat");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("429 Too Many Requests", span.StatusDescription);
        Assert.Equal(typeof(InvalidOperationException).FullName, span.Tag(GenAiAttributes.ErrorType));
        Assert.Null(span.Tag(GenAiAttributes.UsageCost));
    }

    [Fact]
    public async Task An_unknown_model_is_marked_unpriced_rather_than_given_a_wrong_cost()
    {
        using var capture = new SpanCapture();
        var fake = new FakeChatClient
        {
            Respond = (_, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                ModelId = "acme-house-model-7",
                Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 2 },
            },
        };
        using var client = Pipeline(fake);

        await client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        var span = capture.Single("chat");
        Assert.Equal(true, span.Tag(LlmObsAttributes.Unpriced));
        Assert.Null(span.Tag(GenAiAttributes.UsageCost));
        Assert.Null(span.Tag(LlmObsAttributes.CostCatalog));
    }

    [Fact]
    public async Task Feature_user_and_conversation_set_once_for_the_request_are_on_every_span_under_it()
    {
        using var capture = new SpanCapture();
        var fake = new FakeChatClient
        {
            Respond = (_, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { Usage = new() { InputTokenCount = 1, OutputTokenCount = 1 } },
        };
        using var client = Pipeline(fake, o => o.Feature = "pipeline_default");

        using (LlmObsContext.Begin(feature: "ask", userId: "u-42", conversationId: "conv-7"))
        {
            await client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
            await client.GetResponseAsync("Again", cancellationToken: TestContext.Current.CancellationToken);
        }

        await client.GetResponseAsync("Outside", cancellationToken: TestContext.Current.CancellationToken);

        var spans = capture.Spans.Where(s => s.DisplayName.StartsWith("chat", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, spans.Count);
        var hash = ContentPolicy.Default.UserIds.Hash("u-42");
        Assert.Matches("^[0-9a-f]{64}$", hash);
        foreach (var span in spans.Take(2))
        {
            Assert.Equal("ask", span.Tag(LlmObsAttributes.Feature));
            Assert.Equal(hash, span.Tag(LlmObsAttributes.UserHash));
            Assert.Equal("conv-7", span.Tag(GenAiAttributes.ConversationId));
            Assert.DoesNotContain(span.TagObjects, t => t.Value is string s && s.Contains("u-42", StringComparison.Ordinal));
        }

        // Outside the scope the pipeline's feature is the fallback, and there is no user.
        Assert.Equal("pipeline_default", spans[2].Tag(LlmObsAttributes.Feature));
        Assert.Null(spans[2].Tag(LlmObsAttributes.UserHash));
    }

    [Fact]
    public void The_request_context_travels_to_other_services_as_w3c_baggage_with_the_user_hashed()
    {
        using var scope = LlmObsContext.Begin(feature: "ask", userId: "u-42");
        var headers = new Dictionary<string, string>();

        // The W3C baggage propagator the OpenTelemetry SDK installs by default, used directly: the global default is
        // a no-op until something in the process has initialised the SDK, which made this test depend on test order.
        new OpenTelemetry.Context.Propagation.BaggagePropagator().Inject(
            new OpenTelemetry.Context.Propagation.PropagationContext(default, OpenTelemetry.Baggage.Current), headers, (h, k, v) => h[k] = v);

        var baggage = Assert.Contains("baggage", headers);
        Assert.Contains("llmobs.feature=ask", baggage, StringComparison.Ordinal);
        Assert.Contains("llmobs.user_hash=" + ContentPolicy.Default.UserIds.Hash("u-42"), baggage, StringComparison.Ordinal);
        Assert.DoesNotContain("u-42", baggage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_id_hash_is_a_keyed_hmac_stable_per_key()
    {
        var a = new UserIdRedactor("a-key-of-sixteen-chars");
        var b = new UserIdRedactor("another-key-of-16-chars");
        Assert.Equal(a.Hash("u-42"), new UserIdRedactor("a-key-of-sixteen-chars").Hash("u-42"));
        Assert.NotEqual(a.Hash("u-42"), b.Hash("u-42"));
        Assert.NotEqual(a.Hash("u-42"), a.Hash("u-43"));

        // HMAC-SHA256 of "u-42" under the key, computed independently.
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("a-key-of-sixteen-chars"u8, "u-42"u8));
        Assert.Equal(expected, a.Hash("u-42"));
        Assert.Throws<ArgumentException>(() => new UserIdRedactor("short"));
    }
}
