using LlmObs.Server.Query;
using LlmObs.Server.Tests.Storage;
using static LlmObs.Server.Tests.Storage.TestSpans;

namespace LlmObs.Server.Tests.Query;

/// <summary>
/// The session filter on both engines: a session recorded under any convention's key, on any span of a trace,
/// selects the trace and its model calls; the same text elsewhere in a span (a prompt quoting it) does not.
/// </summary>
public abstract class SessionFilterTests
{
    private const string Session = "conv \"42\" ü"; // a quote and a non-ASCII letter: stored escaped or not, depending on the encoder

    internal abstract StoreHarness CreateHarness();

    [Fact]
    public async Task Traces_calls_and_aggregates_are_narrowed_to_the_session_under_any_key_on_any_span()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var start = DateTime.UtcNow.AddMinutes(-10);
        var quoted = System.Text.Json.JsonSerializer.Serialize(Session);

        // On the root only (OpenTelemetry's session.id): the call below it belongs to the session through its trace.
        var onRoot = NewTraceId();
        var root = Span(onRoot, "POST /chat", start, attributes: $$"""{"session.id":{{quoted}}}""");
        var rootCall = Chat(onRoot, root.SpanId, start.AddMilliseconds(1), 100, 10, 0.25);

        // On the call itself, under the GenAI conventions' conversation id.
        var onCall = NewTraceId();
        var conversationCall = Chat(onCall, NewSpanId(), start.AddSeconds(1), 200, 20, 0.5, attributes: $$"""{"gen_ai.conversation.id":{{quoted}}}""");

        // Another session (Langfuse's key), and a prompt that only quotes the session's text.
        var other = NewTraceId();
        var otherCall = Chat(other, NewSpanId(), start.AddSeconds(2), 400, 40, 1, attributes: """{"langfuse.session.id":"conv-7"}""");
        var mention = NewTraceId();
        var mentionCall = Chat(mention, NewSpanId(), start.AddSeconds(3), 800, 80, 2, attributes: $$"""{"gen_ai.input.messages":{{quoted}}}""");

        await store.WriteAsync([root, rootCall, conversationCall, otherCall, mentionCall], TestContext.Current.CancellationToken);
        var inSession = new SpanFilter { From = start.AddMinutes(-1), Session = Session };

        var traces = await harness.QueryAsync((q, ct) => q.ListTracesAsync(inSession, new PageRequest(), ct));
        var calls = await harness.QueryAsync((q, ct) => q.ListCallsAsync(inSession, new PageRequest(), ct));
        var byModel = await harness.QueryAsync((q, ct) => q.CostByAsync(inSession, CostDimension.Model, ct));
        var otherTraces = await harness.QueryAsync((q, ct) => q.ListTracesAsync(inSession with { Session = "conv-7" }, new PageRequest(), ct));

        Assert.Equal([onCall, onRoot], traces.Items.Select(t => t.TraceId));
        Assert.Equal([conversationCall.SpanId, rootCall.SpanId], calls.Items.Select(c => c.SpanId));
        var model = Assert.Single(byModel);
        Assert.Equal((2L, 0.75), (model.Calls, Math.Round(model.CostUsd, 9)));
        Assert.Equal([other], otherTraces.Items.Select(t => t.TraceId));
    }

    [Fact]
    public async Task A_store_from_before_the_session_column_has_it_filled_when_it_opens()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var traceId = NewTraceId();
        var root = Span(traceId, "POST /chat", DateTime.UtcNow.AddMinutes(-5), attributes: """{"session.id":"s-old"}""");
        await store.WriteAsync([root, Chat(traceId, root.SpanId, root.StartTime, 10, 1, 0.1)], TestContext.Current.CancellationToken);
        await harness.CloseAsync();
        await harness.ScalarAsync("ALTER TABLE spans DROP COLUMN session_id; DELETE FROM llmobs_migrations WHERE version = 13");

        await harness.OpenAsync();

        Assert.Equal("s-old", await harness.ScalarAsync("SELECT session_id FROM spans WHERE parent_span_id IS NULL"));
        var traces = await harness.QueryAsync((q, ct) => q.ListTracesAsync(new SpanFilter { Session = "s-old" }, new PageRequest(), ct));
        Assert.Equal([traceId], traces.Items.Select(t => t.TraceId));
    }

    [Fact]
    public async Task Sessions_are_listed_most_recently_active_first_with_their_traces_totals()
    {
        await using var harness = CreateHarness();
        var store = await harness.OpenAsync();
        var start = DateTime.UtcNow.AddMinutes(-10);
        var quoted = System.Text.Json.JsonSerializer.Serialize(Session);

        // Two traces of the session: one tagged on its root, one on its call (the GenAI conversation id).
        var first = NewTraceId();
        var root = Span(first, "POST /chat", start, service: "rag", attributes: $$"""{"session.id":{{quoted}},"user.id":"u-1"}""");
        var rootCall = Chat(first, root.SpanId, start.AddMilliseconds(1), 100, 10, 0.25, service: "rag");
        var second = NewTraceId();
        var secondCall = Chat(second, NewSpanId(), start.AddMinutes(2), 200, 20, 0.5, service: "rag", attributes: $$"""{"gen_ai.conversation.id":{{quoted}}}""") with { StatusCode = 2 };

        // A later session of another service, and a trace with no session.
        var later = Chat(NewTraceId(), NewSpanId(), start.AddMinutes(5), 400, 40, 1, service: "support", attributes: """{"langfuse.session.id":"conv-7"}""");
        var none = Chat(NewTraceId(), NewSpanId(), start.AddMinutes(6), 800, 80, 2, service: "rag");
        await store.WriteAsync([root, rootCall, secondCall, later, none], TestContext.Current.CancellationToken);
        var period = new SpanFilter { From = start.AddMinutes(-1) };

        var all = await harness.QueryAsync((q, ct) => q.ListSessionsAsync(period, new PageRequest(), ct));
        var rag = await harness.QueryAsync((q, ct) => q.ListSessionsAsync(period with { Service = "rag" }, new PageRequest(), ct));
        var firstPage = await harness.QueryAsync((q, ct) => q.ListSessionsAsync(period, new PageRequest(0, 1), ct));

        Assert.Equal(["conv-7", Session], all.Items.Select(s => s.Session));
        var session = all.Items[1];
        Assert.Equal((2L, 2L, 300L, 30L), (session.Traces, session.LlmCalls, session.InputTokens, session.OutputTokens));
        Assert.Equal(0.75, session.CostUsd, 9);
        Assert.Equal((root.StartTime, secondCall.EndTime), (session.FirstStart, session.LastEnd));
        Assert.True(session.HasError);
        Assert.Equal("u-1", session.User);
        Assert.Equal([Session], rag.Items.Select(s => s.Session));
        Assert.Equal(("conv-7", 1), (Assert.Single(firstPage.Items).Session, firstPage.NextOffset));
    }
}

public sealed class DuckDbSessionFilterTests : SessionFilterTests
{
    internal override StoreHarness CreateHarness() => new DuckDbHarness();
}

public sealed class PostgresSessionFilterTests : SessionFilterTests
{
    internal override StoreHarness CreateHarness() => new PostgresHarness();
}
