using LlmObs.Server.Tests.Infrastructure;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests.Query;

/// <summary>
/// Free text finds words deep inside long prompts, which the store keeps out of line (over LargeValueBytes): the
/// playground's prompts always are.
/// </summary>
public abstract class LargeContentSearchTests(SeededServerFixture fixture)
{
    private const string From = "from=2000-01-01T00:00:00Z";

    [Fact]
    public async Task A_word_deep_in_a_long_prompt_finds_its_call_and_its_trace()
    {
        Assert.SkipWhen(fixture.Unavailable is not null, fixture.Unavailable ?? "");
        var traceId = NewTraceId();
        var spanId = NewSpanId();
        var filler = string.Concat(Enumerable.Repeat("The handbook says refunds are processed within ten days. ", 60));
        var prompt = $$"""[{"role":"user","parts":[{"type":"text","content":"{{filler}} What about the zebracrossing clause?"}]}]""";
        var chat = Span(traceId, spanId, "chat gpt-4o-mini", null,
            Attribute("gen_ai.operation.name", "chat"),
            Attribute("gen_ai.provider.name", "openai"),
            Attribute("gen_ai.request.model", "gpt-4o-mini"),
            Attribute("gen_ai.usage.input_tokens", 900),
            Attribute("gen_ai.usage.output_tokens", 20),
            Attribute("gen_ai.input.messages", prompt));
        await fixture.SendAsync(Request("rag", chat));

        var calls = await fixture.GetAsync<ApiPage<ApiCall>>($"/api/calls?{From}&q=ZebraCrossing%20clause");
        Assert.Equal(Hex(spanId), Assert.Single(calls.Items).SpanId);

        var traces = await fixture.GetAsync<ApiPage<ApiTraceRow>>($"/api/traces?{From}&q=zebracrossing");
        Assert.Equal(Hex(traceId), Assert.Single(traces.Items).TraceId);

        Assert.Empty((await fixture.GetAsync<ApiPage<ApiCall>>($"/api/calls?{From}&q=giraffecrossing")).Items);
    }

    // Stored with the relaxed encoder (raw UTF-8, \" for a quote), in a short attribute and in a long prompt whose
    // inner JSON the client wrote; searched as the user types it.
    [Theory]
    [InlineData("Grüße aus Köln")]
    [InlineData("«zèbre» <b>fett</b>")]
    [InlineData("\"quoted\" & 'single'")]
    [InlineData("日本語のプロンプト")]
    public async Task Text_with_quotes_markup_and_non_ascii_is_found_in_short_attributes_and_long_prompts(string text)
    {
        Assert.SkipWhen(fixture.Unavailable is not null, fixture.Unavailable ?? "");
        var (noteTrace, promptTrace, promptSpan) = (NewTraceId(), NewTraceId(), NewSpanId());
        var filler = string.Concat(Enumerable.Repeat("The handbook says refunds are processed within ten days. ", 40));
        var inner = System.Text.Json.JsonSerializer.Serialize($"{filler}{text} {Guid.NewGuid():N}",
            new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var note = Span(noteTrace, NewSpanId(), "tool", null, Attribute("app.note", $"{text} {Guid.NewGuid():N}"));
        var chat = Span(promptTrace, promptSpan, "chat gpt-4o-mini", null,
            Attribute("gen_ai.operation.name", "chat"),
            Attribute("gen_ai.provider.name", "openai"),
            Attribute("gen_ai.request.model", "gpt-4o-mini"),
            Attribute("gen_ai.input.messages", $$"""[{"role":"user","parts":[{"type":"text","content":{{inner}}}]}]"""));
        await fixture.SendAsync(Request("search-forms", note, chat));

        var q = Uri.EscapeDataString(text);
        var traces = await fixture.GetAsync<ApiPage<ApiTraceRow>>($"/api/traces?{From}&service=search-forms&q={q}");
        Assert.Contains(Hex(noteTrace), traces.Items.Select(t => t.TraceId));
        Assert.Contains(Hex(promptTrace), traces.Items.Select(t => t.TraceId));
        var calls = await fixture.GetAsync<ApiPage<ApiCall>>($"/api/calls?{From}&service=search-forms&q={q}");
        Assert.Contains(Hex(promptSpan), calls.Items.Select(c => c.SpanId));
    }
}

public sealed class DuckDbLargeContentSearchTests(DuckDbSeededFixture fixture) : LargeContentSearchTests(fixture), IClassFixture<DuckDbSeededFixture>;

public sealed class PostgresLargeContentSearchTests(PostgresSeededFixture fixture) : LargeContentSearchTests(fixture), IClassFixture<PostgresSeededFixture>;
