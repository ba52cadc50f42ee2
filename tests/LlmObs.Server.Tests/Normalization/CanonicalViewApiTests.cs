using System.Net;
using System.Text.Json;
using LlmObs.Server.Tests.Infrastructure;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests.Normalization;

/// <summary>What a user reads back: the whole canonical view of spans from other conventions, through the query API.</summary>
public sealed class CanonicalViewApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private LlmObsServer Server => fixture.Server;

    private async Task<JsonElement> LlmViewAsync(string traceId)
    {
        var json = await Server.Client.GetStringAsync($"/api/traces/{traceId}", TestContext.Current.CancellationToken);
        return JsonDocument.Parse(json).RootElement.GetProperty("spans")[0].GetProperty("llm");
    }

    [Fact]
    public async Task OpenInference_span_is_served_with_its_messages_user_session_convention_and_server_cost()
    {
        var traceId = NewTraceId();
        using var response = await Server.PostTracesAsync(Request("phoenix-app", Span(traceId, NewSpanId(), "ChatCompletion", null,
            Attribute("openinference.span.kind", "LLM"),
            Attribute("llm.model_name", "gpt-4o-mini"),
            Attribute("llm.provider", "openai"),
            Attribute("llm.token_count.prompt", 2000),
            Attribute("llm.token_count.completion", 100),
            Attribute("llm.input_messages.0.message.role", "user"),
            Attribute("llm.input_messages.0.message.content", "Where is my parcel?"),
            Attribute("llm.output_messages.0.message.role", "assistant"),
            Attribute("llm.output_messages.0.message.content", "On its way."),
            Attribute("user.id", "u-77"),
            Attribute("session.id", "s-12"))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var llm = await LlmViewAsync(Hex(traceId));

        Assert.Equal("openinference", llm.GetProperty("convention").GetString());
        Assert.Equal("llm", llm.GetProperty("spanKind").GetString());
        Assert.Equal("u-77", llm.GetProperty("user").GetString());
        Assert.Equal("s-12", llm.GetProperty("session").GetString());
        Assert.Contains("Where is my parcel?", llm.GetProperty("input").GetString());
        Assert.Contains("On its way.", llm.GetProperty("output").GetString());
        Assert.Equal("server", llm.GetProperty("costSource").GetString());
        var cost = llm.GetProperty("cost");
        Assert.Equal(llm.GetProperty("costUsd").GetDouble(), cost.GetProperty("input").GetDouble() + cost.GetProperty("output").GetDouble(), 12);
    }

    [Fact]
    public async Task Retrieval_documents_are_served_with_their_content()
    {
        var traceId = NewTraceId();
        var root = NewSpanId();
        using var response = await Server.PostTracesAsync(Request("rag", Span(traceId, root, "retrieve", null,
            Attribute("openinference.span.kind", "RETRIEVER"),
            Attribute("retrieval.documents.0.document.id", "refunds"),
            Attribute("retrieval.documents.0.document.content", "Refunds take five days."))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var llm = await LlmViewAsync(Hex(traceId));

        Assert.Equal("retrieval", llm.GetProperty("spanKind").GetString());
        var document = Assert.Single(llm.GetProperty("documents").EnumerateArray());
        Assert.Equal("refunds", document.GetProperty("id").GetString());
        Assert.Equal("Refunds take five days.", document.GetProperty("content").GetString());
    }
}
