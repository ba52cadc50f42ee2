using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObs.Server.Tests.Infrastructure;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests;

/// <summary>The query API's answers to what a UI or a script asks.</summary>
public sealed class QueryApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private LlmObsServer Server => fixture.Server;

    [Theory]
    [InlineData("not-a-trace-id")]
    [InlineData("0123456789abcdef0123456789abcdeg")]
    public async Task Trace_id_that_is_not_32_hex_characters_is_answered_400(string traceId)
    {
        using var response = await Server.Client.GetAsync($"/api/traces/{traceId}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_trace_is_answered_404()
    {
        using var response = await Server.Client.GetAsync($"/api/traces/{Hex(NewTraceId())}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Trace_is_found_by_its_id_in_upper_case_too()
    {
        var traceId = NewTraceId();
        using var _ = await Server.PostTracesAsync(Request("billing", Span(traceId, NewSpanId(), "GET /invoice")));

        var trace = await Server.GetTraceAsync(Hex(traceId).ToUpperInvariant());

        Assert.Equal(Hex(traceId), trace.TraceId);
    }

    [Fact]
    public async Task Trace_list_can_be_filtered_by_service()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var billingTrace = NewTraceId();
        using var a = await Server.PostTracesAsync(Request("billing-" + suffix, Span(billingTrace, NewSpanId(), "GET /invoice")));
        using var b = await Server.PostTracesAsync(Request("search-" + suffix, Span(NewTraceId(), NewSpanId(), "GET /search")));

        var billing = await Server.ListTracesAsync("billing-" + suffix);

        var only = Assert.Single(billing);
        Assert.Equal(Hex(billingTrace), only.TraceId);
        Assert.Equal("GET /invoice", only.RootName);
    }

    [Fact]
    public async Task Trace_list_is_newest_first_and_honours_the_limit()
    {
        var older = NewTraceId();
        var newer = NewTraceId();
        var start = DateTime.UtcNow.AddDays(1); // later than anything else this server holds
        using var a = await Server.PostTracesAsync(Request("clock", Span(older, NewSpanId(), "older").StartingAt(start)));
        using var b = await Server.PostTracesAsync(Request("clock", Span(newer, NewSpanId(), "newer").StartingAt(start.AddMinutes(1))));

        var list = await Server.Client.GetFromJsonAsync<ApiTraceList>("/api/traces?limit=1", TestContext.Current.CancellationToken);

        Assert.Equal(Hex(newer), Assert.Single(list!.Items).TraceId);
    }

    [Fact]
    public async Task Times_in_the_trace_list_and_in_a_trace_are_marked_utc()
    {
        var service = "times-" + Guid.NewGuid().ToString("N")[..8];
        var traceId = NewTraceId();
        using var _ = await Server.PostTracesAsync(Request(service, Span(traceId, NewSpanId(), "GET /clock")));

        using var list = JsonDocument.Parse(await Server.Client.GetStringAsync($"/api/traces?service={service}", TestContext.Current.CancellationToken));
        using var trace = JsonDocument.Parse(await Server.Client.GetStringAsync($"/api/traces/{Hex(traceId)}", TestContext.Current.CancellationToken));

        // A browser reads an ISO time without an offset as local time, which would shift every trace.
        Assert.EndsWith("Z", list.RootElement.GetProperty("items")[0].GetProperty("startTime").GetString());
        Assert.EndsWith("Z", trace.RootElement.GetProperty("spans")[0].GetProperty("startTime").GetString());
    }
}
