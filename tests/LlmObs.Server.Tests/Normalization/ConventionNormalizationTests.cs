using System.Text.Json;
using LlmObs.Pricing;
using LlmObs.Server.Ingest;
using LlmObs.Server.Normalization;

namespace LlmObs.Server.Tests.Normalization;

/// <summary>
/// One canonical view from every convention. Each span here is recorded with the attribute names the convention
/// publishes (OpenTelemetry GenAI, OpenInference, Langfuse, OpenLLMetry, Vercel AI SDK).
/// </summary>
public sealed class ConventionNormalizationTests
{
    private readonly LlmSpanNormalizer _normalizer = new(PriceCatalog.Default);

    private LlmView Normalize(ConventionSpan span) => _normalizer.Normalize(span.Build());

    private static double Price(string model, long input, long output, long cacheRead = 0, long cacheWrite = 0, long reasoning = 0) =>
        PriceCatalog.Default.ComputeCost(model, null, new TokenUsage
        {
            InputTokens = input, OutputTokens = output, CacheReadTokens = cacheRead, CacheWriteTokens = cacheWrite, ReasoningTokens = reasoning,
        })!.Value.Total;

    [Fact]
    public void GenAi_current_conventions_with_content_attributes_fill_the_whole_view_and_are_priced_with_a_breakdown()
    {
        var view = Normalize(new ConventionSpan("chat gpt-4o-mini")
            .With("gen_ai.operation.name", "chat")
            .With("gen_ai.provider.name", "openai")
            .With("gen_ai.request.model", "gpt-4o-mini")
            .With("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
            .With("gen_ai.usage.input_tokens", 1200)
            .With("gen_ai.usage.output_tokens", 300)
            .With("gen_ai.usage.cache_read.input_tokens", 1024)
            .With("gen_ai.usage.reasoning.output_tokens", 0)
            .With("gen_ai.response.time_to_first_chunk", 0.42)
            .With("gen_ai.conversation.id", "conv-9")
            .With("gen_ai.input.messages", """[{"role":"user","parts":[{"type":"text","content":"How long do refunds take?"}]}]""")
            .With("gen_ai.output.messages", """[{"role":"assistant","parts":[{"type":"text","content":"Five days."}]}]""")
            .With("llmobs.feature", "ask")
            .With("user.id", "u-42"));

        Assert.Equal("gen_ai", view.Convention);
        Assert.Equal("llm", view.SpanKind);
        Assert.Equal("openai", view.Provider);
        Assert.Equal("gpt-4o-mini-2024-07-18", view.Model);
        Assert.Equal((1200L, 300L, 1024L), (view.InputTokens!.Value, view.OutputTokens!.Value, view.CacheReadTokens!.Value));
        Assert.Equal(420, view.TimeToFirstTokenMs!.Value, 6);
        Assert.Equal("conv-9", view.Session);
        Assert.Equal("u-42", view.User);
        Assert.Equal("ask", view.Feature);
        Assert.Contains("refunds", view.Input);
        Assert.Contains("Five days", view.Output);
        Assert.Equal("ok", view.Status);
        Assert.Equal("server", view.CostSource);
        Assert.Equal(Price("gpt-4o-mini-2024-07-18", 1200, 300, 1024), view.CostUsd!.Value, 12);
        Assert.NotNull(view.Cost);
        Assert.Equal(view.CostUsd!.Value, view.Cost.Input!.Value + view.Cost.CachedInput!.Value + view.Cost.Output!.Value + (view.Cost.CacheWrite ?? 0) + (view.Cost.Reasoning ?? 0), 12);
        Assert.NotNull(view.Cost.Catalog);
    }

    [Fact]
    public void JSON_attributes_holding_half_a_surrogate_pair_are_read_as_absent_rather_than_failing_the_span()
    {
        // OTLP/JSON can carry "\ud800" alone; such a string cannot be transcoded to UTF-8 for parsing.
        var view = Normalize(new ConventionSpan("retrieve")
            .With("gen_ai.operation.name", "retrieval")
            .With("gen_ai.retrieval.documents", "[{\"id\":\"a\ud800\",\"score\":0.5}]")
            .With("langfuse.observation.type", "generation")
            .With("langfuse.observation.usage_details", "{\"input\":\"\ud800\"}")
            .With("langfuse.observation.cost_details", "{\"total\":\ud800}"));

        Assert.Null(view.Documents);
        Assert.Null(view.CostUsd);
    }

    [Fact]
    public void LlmObs_service_side_cost_without_the_parts_that_cost_nothing_reads_those_parts_as_zero()
    {
        // What UseLlmTracing writes: the total once, as gen_ai.usage.cost, beside the catalog that computed it.
        var view = Normalize(new ConventionSpan("chat gpt-4o-mini")
            .With("gen_ai.operation.name", "chat")
            .With("gen_ai.provider.name", "openai")
            .With("gen_ai.response.model", "gpt-4o-mini")
            .With("gen_ai.usage.input_tokens", 1000)
            .With("gen_ai.usage.output_tokens", 100)
            .With("gen_ai.usage.cost", 0.00021)
            .With("llmobs.cost.input", 0.00015)
            .With("llmobs.cost.output", 0.00006)
            .With("llmobs.cost.catalog", "litellm-2026-07-24"));

        Assert.Equal("client", view.CostSource);
        Assert.Equal(0.00021, view.CostUsd!.Value, 12);
        Assert.NotNull(view.Cost);
        Assert.Equal((0.00015, 0.0, 0.0, 0.00006, 0.0), (view.Cost.Input, view.Cost.CachedInput, view.Cost.CacheWrite, view.Cost.Output, view.Cost.Reasoning));
        Assert.Equal("litellm-2026-07-24", view.Cost.Catalog);
    }

    [Fact]
    public void LlmObs_service_side_cost_of_earlier_versions_with_its_own_total_currency_and_source_is_read_too()
    {
        var view = Normalize(new ConventionSpan("chat gpt-4o-mini")
            .With("gen_ai.operation.name", "chat")
            .With("gen_ai.provider.name", "openai")
            .With("gen_ai.response.model", "gpt-4o-mini")
            .With("gen_ai.usage.input_tokens", 1000)
            .With("gen_ai.usage.output_tokens", 100)
            .With("gen_ai.usage.cost", 0.00021)
            .With("llmobs.cost.total", 0.00021)
            .With("llmobs.cost.input", 0.00015)
            .With("llmobs.cost.cached_input", 0.0)
            .With("llmobs.cost.output", 0.00006)
            .With("llmobs.cost.currency", "USD")
            .With("llmobs.cost.source", "computed")
            .With("llmobs.cost.catalog", "litellm-2026-07-24"));

        Assert.Equal("client", view.CostSource);
        Assert.Equal(0.00021, view.CostUsd!.Value, 12);
        Assert.Equal((0.00015, 0.0, 0.00006), (view.Cost!.Input, view.Cost.CachedInput, view.Cost.Output));
    }

    [Fact]
    public void GenAi_older_names_with_content_as_prompt_and_completion_events_are_read()
    {
        var view = Normalize(new ConventionSpan("openai.chat")
            .With("gen_ai.system", "openai")
            .With("gen_ai.request.model", "gpt-3.5-turbo")
            .With("gen_ai.usage.prompt_tokens", 1000)
            .With("gen_ai.usage.completion_tokens", 200)
            .Event("gen_ai.content.prompt", ("gen_ai.prompt", "[{\"role\":\"user\",\"content\":\"hi\"}]"))
            .Event("gen_ai.content.completion", ("gen_ai.completion", "[{\"role\":\"assistant\",\"content\":\"hello\"}]")));

        Assert.Equal("llm", view.SpanKind);
        Assert.Equal("openai", view.Provider);
        Assert.Equal((1000L, 200L), (view.InputTokens!.Value, view.OutputTokens!.Value));
        Assert.Contains("\"hi\"", view.Input);
        Assert.Contains("hello", view.Output);
        Assert.Equal(Price("gpt-3.5-turbo", 1000, 200), view.CostUsd!.Value, 12);
    }

    [Fact]
    public void GenAi_per_message_events_become_a_message_list()
    {
        var view = Normalize(new ConventionSpan("chat claude")
            .With("gen_ai.operation.name", "chat")
            .With("gen_ai.system", "anthropic")
            .Event("gen_ai.system.message", ("content", "You are terse."))
            .Event("gen_ai.user.message", ("content", "Refund policy?"))
            .Event("gen_ai.choice", ("content", "30 days.")));

        using var input = JsonDocument.Parse(view.Input!);
        Assert.Equal(["system", "user"], input.RootElement.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Refund policy?", input.RootElement[1].GetProperty("content").GetString());
        Assert.Equal("30 days.", JsonDocument.Parse(view.Output!).RootElement[0].GetProperty("content").GetString());
    }

    [Theory]
    [InlineData("chat", "llm")]
    [InlineData("text_completion", "llm")]
    [InlineData("embeddings", "embedding")]
    [InlineData("retrieval", "retrieval")]
    [InlineData("rerank", "rerank")]
    [InlineData("execute_tool", "tool")]
    [InlineData("invoke_agent", "agent")]
    [InlineData("frobnicate", "other")]
    public void GenAi_operations_map_to_kinds_and_an_unknown_operation_is_not_counted_as_an_llm_call(string operation, string kind)
    {
        var view = Normalize(new ConventionSpan(operation).With("gen_ai.operation.name", operation).With("gen_ai.provider.name", "openai"));

        Assert.Equal(kind, view.SpanKind);
    }

    [Fact]
    public void GenAi_tool_and_retrieval_spans_carry_the_tool_call_and_the_documents()
    {
        var tool = Normalize(new ConventionSpan("execute_tool get_plan_price")
            .With("gen_ai.operation.name", "execute_tool")
            .With("gen_ai.tool.name", "get_plan_price")
            .With("gen_ai.tool.call.id", "call_1")
            .With("gen_ai.tool.call.arguments", "{\"plan\":\"pro\"}")
            .With("gen_ai.tool.call.result", "{\"usd\":20}"));
        var retrieval = Normalize(new ConventionSpan("retrieval handbook")
            .With("gen_ai.operation.name", "retrieval")
            .With("gen_ai.data_source.id", "handbook")
            .With("gen_ai.retrieval.query.text", "refunds")
            .With("gen_ai.retrieval.documents", """[{"id":"refunds","score":0.48},{"id":"shipping","score":0.21}]"""));

        Assert.Equal(new LlmToolCall("get_plan_price", "call_1", "{\"plan\":\"pro\"}", "{\"usd\":20}"), tool.Tool);
        Assert.Equal("retrieval", retrieval.SpanKind);
        Assert.Equal("refunds", retrieval.Input);
        Assert.Equal([new RetrievedDocumentView("refunds", 0.48), new RetrievedDocumentView("shipping", 0.21)], retrieval.Documents);
        Assert.Null(retrieval.CostUsd);
    }

    [Fact]
    public void OpenInference_llm_span_is_read_with_cache_and_reasoning_tokens_its_own_cost_messages_user_and_session()
    {
        var view = Normalize(new ConventionSpan("ChatCompletion")
            .With("openinference.span.kind", "LLM")
            .With("llm.model_name", "claude-3-5-sonnet-20241022")
            .With("llm.provider", "anthropic")
            .With("llm.system", "anthropic")
            .With("llm.token_count.prompt", 5000)
            .With("llm.token_count.completion", 400)
            .With("llm.token_count.total", 5400)
            .With("llm.token_count.prompt_details.cache_read", 3000)
            .With("llm.token_count.prompt_details.cache_write", 1000)
            .With("llm.token_count.completion_details.reasoning", 100)
            .With("llm.cost.prompt", 0.0084)
            .With("llm.cost.completion", 0.006)
            .With("llm.cost.total", 0.0144)
            .With("llm.cost.prompt_details.input", 0.003)
            .With("llm.cost.prompt_details.cache_read", 0.0009)
            .With("llm.cost.prompt_details.cache_write", 0.00375)
            .With("llm.input_messages.0.message.role", "system")
            .With("llm.input_messages.0.message.content", "Be brief.")
            .With("llm.input_messages.1.message.role", "user")
            .With("llm.input_messages.1.message.content", "Summarise the thread.")
            .With("llm.output_messages.0.message.role", "assistant")
            .With("llm.output_messages.0.message.content", "Done.")
            .With("input.value", "{\"raw\":true}")
            .With("user.id", "u-7")
            .With("session.id", "s-3"));

        Assert.Equal("openinference", view.Convention);
        Assert.Equal(("llm", "chat"), (view.SpanKind, view.Operation));
        Assert.Equal(("anthropic", "claude-3-5-sonnet-20241022"), (view.Provider, view.Model));
        Assert.Equal((5000L, 400L, 3000L, 1000L, 100L), (view.InputTokens!.Value, view.OutputTokens!.Value, view.CacheReadTokens!.Value, view.CacheWriteTokens!.Value, view.ReasoningTokens!.Value));
        Assert.Equal(0.0144, view.CostUsd);
        Assert.Equal("client", view.CostSource);
        Assert.Equal(0.0009, view.Cost?.CachedInput);
        Assert.Equal(0.00375, view.Cost?.CacheWrite);
        using var input = JsonDocument.Parse(view.Input!);
        Assert.Equal("Summarise the thread.", input.RootElement[1].GetProperty("content").GetString());
        Assert.Equal("Done.", JsonDocument.Parse(view.Output!).RootElement[0].GetProperty("content").GetString());
        Assert.Equal(("u-7", "s-3"), (view.User, view.Session));
    }

    [Fact]
    public void OpenInference_llm_span_without_a_cost_is_priced_by_the_server()
    {
        var view = Normalize(new ConventionSpan("ChatCompletion")
            .With("openinference.span.kind", "LLM")
            .With("llm.model_name", "gpt-4o-mini")
            .With("llm.token_count.prompt", 2000)
            .With("llm.token_count.completion", 100));

        Assert.Equal("server", view.CostSource);
        Assert.Equal(Price("gpt-4o-mini", 2000, 100), view.CostUsd!.Value, 12);
    }

    [Fact]
    public void OpenInference_retriever_reranker_tool_and_chain_spans_get_their_kinds_documents_and_tool_call()
    {
        var retriever = Normalize(new ConventionSpan("retrieve")
            .With("openinference.span.kind", "RETRIEVER")
            .With("input.value", "refund policy")
            .With("retrieval.documents.0.document.id", "doc-1")
            .With("retrieval.documents.0.document.score", 0.91)
            .With("retrieval.documents.0.document.content", "Refunds take five days.")
            .With("retrieval.documents.1.document.id", "doc-2")
            .With("retrieval.documents.1.document.score", 0.55));
        var reranker = Normalize(new ConventionSpan("rerank")
            .With("openinference.span.kind", "RERANKER")
            .With("reranker.model_name", "rerank-english-v3.0")
            .With("reranker.output_documents.0.document.id", "doc-2")
            .With("reranker.output_documents.0.document.score", 0.97));
        var tool = Normalize(new ConventionSpan("get_weather")
            .With("openinference.span.kind", "TOOL")
            .With("tool.name", "get_weather")
            .With("input.value", "{\"city\":\"Oslo\"}")
            .With("output.value", "rain"));
        var chain = Normalize(new ConventionSpan("RAG pipeline").With("openinference.span.kind", "CHAIN"));
        var guardrail = Normalize(new ConventionSpan("check").With("openinference.span.kind", "GUARDRAIL"));

        Assert.Equal("retrieval", retriever.SpanKind);
        Assert.Equal("refund policy", retriever.Input);
        Assert.Equal([new RetrievedDocumentView("doc-1", 0.91, "Refunds take five days."), new RetrievedDocumentView("doc-2", 0.55)], retriever.Documents);
        Assert.Equal("rerank", reranker.SpanKind);
        Assert.Equal("rerank-english-v3.0", reranker.Model);
        Assert.Equal("doc-2", Assert.Single(reranker.Documents!).Id);
        Assert.Equal(new LlmToolCall("get_weather", null, "{\"city\":\"Oslo\"}", "rain"), tool.Tool);
        Assert.Equal("chain", chain.SpanKind);
        Assert.Equal("other", guardrail.SpanKind);
    }

    [Fact]
    public void Langfuse_generation_reads_usage_and_cost_json_content_user_session_time_to_first_token_and_level()
    {
        var completionStart = ConventionSpan.Start.AddMilliseconds(350);
        var view = Normalize(new ConventionSpan("generation")
            .With("langfuse.observation.type", "generation")
            .With("langfuse.observation.model.name", "gpt-4o")
            .With("langfuse.observation.usage_details", """{"input":800,"output":150,"input_cached_tokens":200,"output_reasoning_tokens":50}""")
            .With("langfuse.observation.cost_details", """{"input":0.002,"output":0.002,"total":0.004}""")
            .With("langfuse.observation.input", """[{"role":"user","content":"Translate: hello"}]""")
            .With("langfuse.observation.output", """{"role":"assistant","content":"bonjour"}""")
            .With("langfuse.observation.completion_start_time", JsonSerializer.Serialize(completionStart))
            .With("langfuse.observation.level", "ERROR")
            .With("langfuse.observation.status_message", "rate limited")
            .With("user.id", "u-1")
            .With("session.id", "s-1"));

        Assert.Equal("langfuse", view.Convention);
        Assert.Equal(("llm", "gpt-4o"), (view.SpanKind, view.Model));

        // Langfuse's parts are disjoint; the view's input and output are whole.
        Assert.Equal((1000L, 200L, 200L, 50L), (view.InputTokens!.Value, view.OutputTokens!.Value, view.CacheReadTokens!.Value, view.ReasoningTokens!.Value));
        Assert.Equal(0.004, view.CostUsd);
        Assert.Equal("client", view.CostSource);
        Assert.Equal(0.002, view.Cost?.Input);
        Assert.Contains("Translate", view.Input);
        Assert.Contains("bonjour", view.Output);
        Assert.Equal(350, view.TimeToFirstTokenMs!.Value, 3);
        Assert.Equal("error", view.Status);
        Assert.Equal(("u-1", "s-1"), (view.User, view.Session));
    }

    [Fact]
    public void Langfuse_usage_whose_total_is_input_plus_output_already_counts_the_cache_inside_input()
    {
        var view = Normalize(new ConventionSpan("generation")
            .With("langfuse.observation.type", "generation")
            .With("langfuse.observation.model.name", "gpt-4o-mini")
            .With("langfuse.observation.usage_details", """{"input":1000,"output":100,"total":1100,"cache_read_input_tokens":600}"""));

        Assert.Equal((1000L, 100L, 600L), (view.InputTokens!.Value, view.OutputTokens!.Value, view.CacheReadTokens!.Value));
        Assert.Equal("server", view.CostSource);
        Assert.Equal(Price("gpt-4o-mini", 1000, 100, 600), view.CostUsd!.Value, 12);
    }

    [Theory]
    [InlineData("span", "other")]
    [InlineData("embedding", "embedding")]
    [InlineData("retriever", "retrieval")]
    [InlineData("tool", "tool")]
    [InlineData("agent", "agent")]
    [InlineData("chain", "chain")]
    [InlineData("evaluator", "other")]
    public void Langfuse_observation_types_map_to_kinds(string type, string kind)
    {
        Assert.Equal(kind, Normalize(new ConventionSpan(type).With("langfuse.observation.type", type)).SpanKind);
    }

    [Fact]
    public void OpenLLMetry_chat_span_reads_indexed_prompts_and_completions_and_older_usage_names()
    {
        var view = Normalize(new ConventionSpan("openai.chat")
            .With("llm.request.type", "chat")
            .With("gen_ai.system", "openai")
            .With("gen_ai.request.model", "gpt-4o-mini")
            .With("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
            .With("gen_ai.prompt.0.role", "system")
            .With("gen_ai.prompt.0.content", "You are helpful.")
            .With("gen_ai.prompt.1.role", "user")
            .With("gen_ai.prompt.1.content", "What is 2+2?")
            .With("gen_ai.completion.0.role", "assistant")
            .With("gen_ai.completion.0.content", "4")
            .With("gen_ai.usage.prompt_tokens", 30)
            .With("gen_ai.usage.completion_tokens", 2)
            .With("gen_ai.usage.cache_read_input_tokens", 0)
            .With("llm.usage.total_tokens", 32)
            .With("traceloop.association.properties.user_id", "u-9"));

        Assert.Equal("traceloop", view.Convention);
        Assert.Equal(("llm", "chat", "openai"), (view.SpanKind, view.Operation, view.Provider));
        Assert.Equal((30L, 2L), (view.InputTokens!.Value, view.OutputTokens!.Value));
        using var input = JsonDocument.Parse(view.Input!);
        Assert.Equal(2, input.RootElement.GetArrayLength());
        Assert.Equal("What is 2+2?", input.RootElement[1].GetProperty("content").GetString());
        Assert.Equal("4", JsonDocument.Parse(view.Output!).RootElement[0].GetProperty("content").GetString());
        Assert.Equal("u-9", view.User);
        Assert.Equal("server", view.CostSource);
    }

    [Fact]
    public void OpenLLMetry_workflow_and_tool_spans_are_chain_and_tool()
    {
        var workflow = Normalize(new ConventionSpan("joke_workflow.workflow").With("traceloop.span.kind", "workflow").With("traceloop.entity.name", "joke_workflow"));
        var tool = Normalize(new ConventionSpan("search.tool")
            .With("traceloop.span.kind", "tool")
            .With("traceloop.entity.name", "search")
            .With("traceloop.entity.input", "{\"q\":\"otel\"}")
            .With("traceloop.entity.output", "[\"result\"]"));

        Assert.Equal("chain", workflow.SpanKind);
        Assert.Equal(new LlmToolCall("search", null, "{\"q\":\"otel\"}", "[\"result\"]"), tool.Tool);
    }

    [Fact]
    public void Vercel_provider_call_span_reads_model_provider_usage_content_time_to_first_chunk_and_function_id()
    {
        var view = Normalize(new ConventionSpan("ai.streamText.doStream")
            .With("operation.name", "ai.streamText.doStream summarise-ticket")
            .With("ai.operationId", "ai.streamText.doStream")
            .With("ai.model.id", "gpt-4o-mini")
            .With("ai.model.provider", "openai.chat")
            .With("ai.telemetry.functionId", "summarise-ticket")
            .With("ai.telemetry.metadata.userId", "u-5")
            .With("ai.prompt.messages", """[{"role":"user","content":[{"type":"text","text":"Summarise"}]}]""")
            .With("ai.response.text", "A short summary.")
            .With("ai.response.msToFirstChunk", 183.5)
            .With("ai.usage.promptTokens", 900)
            .With("ai.usage.completionTokens", 60));

        Assert.Equal("vercel_ai", view.Convention);
        Assert.Equal(("llm", "openai", "gpt-4o-mini"), (view.SpanKind, view.Provider, view.Model));
        Assert.Equal((900L, 60L), (view.InputTokens!.Value, view.OutputTokens!.Value));
        Assert.Equal(183.5, view.TimeToFirstTokenMs);
        Assert.Equal("summarise-ticket", view.Feature);
        Assert.Equal("u-5", view.User);
        Assert.Contains("Summarise", view.Input);
        Assert.Equal("A short summary.", view.Output);
        Assert.Equal(Price("gpt-4o-mini", 900, 60), view.CostUsd!.Value, 12);
    }

    [Fact]
    public void Vercel_v5_usage_names_are_read_too()
    {
        var view = Normalize(new ConventionSpan("ai.generateText.doGenerate")
            .With("ai.operationId", "ai.generateText.doGenerate")
            .With("ai.model.id", "gpt-4o-mini")
            .With("ai.model.provider", "openai.responses")
            .With("ai.usage.inputTokens", 500)
            .With("ai.usage.outputTokens", 50)
            .With("ai.usage.cachedInputTokens", 256)
            .With("ai.usage.reasoningTokens", 10));

        Assert.Equal((500L, 50L, 256L, 10L), (view.InputTokens!.Value, view.OutputTokens!.Value, view.CacheReadTokens!.Value, view.ReasoningTokens!.Value));
    }

    [Fact]
    public void Vercel_outer_call_is_a_chain_without_tokens_so_trace_totals_do_not_count_them_twice()
    {
        var outer = Normalize(new ConventionSpan("ai.generateText")
            .With("operation.name", "ai.generateText")
            .With("ai.model.id", "gpt-4o-mini")
            .With("ai.model.provider", "openai.chat")
            .With("ai.usage.promptTokens", 900)
            .With("ai.usage.completionTokens", 60));
        var tool = Normalize(new ConventionSpan("ai.toolCall")
            .With("operation.name", "ai.toolCall")
            .With("ai.toolCall.name", "weather")
            .With("ai.toolCall.id", "call_7")
            .With("ai.toolCall.args", "{\"city\":\"Paris\"}")
            .With("ai.toolCall.result", "sunny"));

        Assert.Equal("chain", outer.SpanKind);
        Assert.Null(outer.InputTokens);
        Assert.Null(outer.CostUsd);
        Assert.Equal(new LlmToolCall("weather", "call_7", "{\"city\":\"Paris\"}", "sunny"), tool.Tool);
    }

    [Fact]
    public void A_failed_span_has_the_error_status_and_a_span_of_no_convention_has_no_view()
    {
        var failed = Normalize(new ConventionSpan("chat").With("gen_ai.operation.name", "chat").Failed());
        var plain = Normalize(new ConventionSpan("GET /").With("http.request.method", "GET"));

        Assert.Equal("error", failed.Status);
        Assert.Same(LlmView.None, plain);
    }

    [Fact]
    public void Nonsense_values_are_ignored_rather_than_failing_the_span()
    {
        var view = Normalize(new ConventionSpan("generation")
            .With("langfuse.observation.type", "generation")
            .With("langfuse.observation.usage_details", "{not json")
            .With("langfuse.observation.cost_details", "[1,2]")
            .With("langfuse.observation.completion_start_time", "whenever")
            .With("llm.token_count.prompt", "-5")
            .With("gen_ai.retrieval.documents", "{\"id\":1}"));

        Assert.Equal("llm", view.SpanKind);
        Assert.Null(view.InputTokens); // -5 is a sender's bug, not a count
        Assert.Null(view.CostUsd);
        Assert.Null(view.TimeToFirstTokenMs);
    }
}
