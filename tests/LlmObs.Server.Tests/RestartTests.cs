using System.Net;
using LlmObs.Server.Tests.Infrastructure;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests;

/// <summary>What was acknowledged survives a restart of the server on the same data directory.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly TempDirectory _dataDirectory = new();

    [Fact]
    public async Task Spans_acknowledged_before_a_restart_are_served_after_it()
    {
        var service = "restart-" + Guid.NewGuid().ToString("N")[..8];
        var traceId = NewTraceId();
        var rootId = NewSpanId();
        var request = Request(service,
            Span(traceId, rootId, "POST /ask"),
            Span(traceId, NewSpanId(), "chat gpt-4o-mini", rootId,
                Attribute("gen_ai.operation.name", "chat"),
                Attribute("gen_ai.provider.name", "openai"),
                Attribute("gen_ai.response.model", "gpt-4o-mini"),
                Attribute("gen_ai.usage.input_tokens", 1000),
                Attribute("gen_ai.usage.output_tokens", 100)));

        await using (var before = LlmObsServer.StartInMemory(_dataDirectory.Path))
        {
            using var response = await before.PostTracesAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var after = LlmObsServer.StartInMemory(_dataDirectory.Path);

        var trace = await after.GetTraceAsync(Hex(traceId));
        Assert.Equal(2, trace.Spans.Count);
        var chat = trace.Span("chat gpt-4o-mini");
        Assert.Equal(Hex(rootId), chat.ParentSpanId);
        Assert.Equal(1000, chat.Llm?.InputTokens);
        Assert.Equal("server", chat.Llm?.CostSource);
        Assert.Equal(1000 * 1.5e-7 + 100 * 6e-7, chat.Llm!.CostUsd!.Value, 1e-12);

        var summary = Assert.Single(await after.ListTracesAsync(service));
        Assert.Equal("POST /ask", summary.RootName);
        Assert.Equal(2, summary.SpanCount);
    }

    [Fact]
    public async Task Server_restarted_on_a_data_directory_keeps_accepting_and_serving_new_spans()
    {
        var service = "restart-" + Guid.NewGuid().ToString("N")[..8];
        var first = NewTraceId();
        var second = NewTraceId();

        await using (var before = LlmObsServer.StartInMemory(_dataDirectory.Path))
        {
            using var response = await before.PostTracesAsync(Request(service, Span(first, NewSpanId(), "before restart")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var after = LlmObsServer.StartInMemory(_dataDirectory.Path);
        using (var response = await after.PostTracesAsync(Request(service, Span(second, NewSpanId(), "after restart"))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var traces = await after.ListTracesAsync(service);
        Assert.Equal(["after restart", "before restart"], traces.Select(t => t.RootName).Order());
    }

    public void Dispose() => _dataDirectory.Dispose();
}
