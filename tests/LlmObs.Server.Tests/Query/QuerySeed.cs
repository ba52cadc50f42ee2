using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OtlpSpan = OpenTelemetry.Proto.Trace.V1.Span;
using OtlpStatus = OpenTelemetry.Proto.Trace.V1.Status;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests.Query;

/// <summary>
/// The data set every query test answers from, sent through the real OTLP ingest path. Small enough that each
/// expected answer is worked out by hand in the tests (the numbers are chosen to make that easy).
///
///   trace  day / time (UTC)  service  user           model calls (cost USD, tokens in/cache/out, duration, TTFT)
///   T1     day 1 10:00       rag      alice on root  C1 chat gpt-4o-mini/openai ask 0.01, 1000/400/100, 200 ms, 50 ms
///                                                    E1 embeddings text-embedding-3-small/openai ask 0.001, 50 in, 20 ms
///                                                    + retrieval and tool spans (not calls)
///   T2     day 1 11:00       rag      bob on root    C2 chat gpt-4o/openai summarise 0.05, 2000/0/500, 1000 ms, 200 ms, ERROR
///   T3     day 2 09:00       worker   alice on call  C3 chat claude-sonnet-4/anthropic summarise 0.02, 3000/1500/300, 600 ms, 100 ms
///                            (project "support"; the prompt mentions "The Refund Policy")
///   T4     day 2 12:00       rag      none           C4 chat gpt-4o-mini/openai ask 0.004, 500/100/50, 100 ms
///                            (the prompt holds HTML and non-ASCII text: "Is the &lt;b&gt;Café&lt;/b&gt; open on Sundays?")
/// </summary>
public static class QuerySeed
{
    public static readonly DateTime Day1 = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime Day2 = Day1.AddDays(1);

    public static readonly string T1 = Hex(NewTraceId()), T2 = Hex(NewTraceId()), T3 = Hex(NewTraceId()), T4 = Hex(NewTraceId());
    public static readonly string C1 = Hex(NewSpanId()), E1 = Hex(NewSpanId()), C2 = Hex(NewSpanId()), C3 = Hex(NewSpanId()), C4 = Hex(NewSpanId());

    public static IEnumerable<ExportTraceServiceRequest> Requests()
    {
        // T1: an /ask request with retrieval, embeddings, chat and a tool call.
        var t1Start = Day1.AddHours(10);
        var t1Root = NewSpanId();
        yield return Export("rag", null,
            Root(T1, t1Root, "POST /ask", t1Start, 300, ("user.id", "alice")),
            Call(T1, C1, t1Root, "chat gpt-4o-mini", t1Start.AddMilliseconds(60), 200, "chat", "openai", "gpt-4o-mini", "ask",
                cost: 0.01, input: 1000, cacheRead: 400, output: 100, ttftSeconds: 0.05,
                content: ("You answer questions about the handbook.", "How long do refunds take?", "Refunds take 5 days.")),
            Call(T1, E1, t1Root, "embeddings text-embedding-3-small", t1Start.AddMilliseconds(5), 20, "embeddings", "openai", "text-embedding-3-small", "ask",
                cost: 0.001, input: 50),
            Plain(T1, t1Root, "retrieval handbook", t1Start.AddMilliseconds(30), 20,
                ("gen_ai.operation.name", "retrieval"), ("gen_ai.data_source.id", "handbook")),
            Plain(T1, t1Root, "execute_tool plan_price", t1Start.AddMilliseconds(270), 10,
                ("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", "plan_price")));

        // T2: a summary that failed.
        var t2Start = Day1.AddHours(11);
        var t2Root = NewSpanId();
        yield return Export("rag", null,
            Root(T2, t2Root, "POST /summarise", t2Start, 1100, ("user.id", "bob")),
            Call(T2, C2, t2Root, "chat gpt-4o", t2Start.AddMilliseconds(50), 1000, "chat", "openai", "gpt-4o", "summarise",
                cost: 0.05, input: 2000, cacheRead: 0, output: 500, ttftSeconds: 0.2, error: true));

        // T3: a worker in another project whose model call carries the user itself.
        var t3Start = Day2.AddHours(9);
        var t3Root = NewSpanId();
        yield return Export("worker", "support",
            Root(T3, t3Root, "summarise ticket", t3Start, 700),
            Call(T3, C3, t3Root, "chat claude-sonnet-4", t3Start.AddMilliseconds(50), 600, "chat", "anthropic", "claude-sonnet-4", "summarise",
                cost: 0.02, input: 3000, cacheRead: 1500, output: 300, ttftSeconds: 0.1, user: "alice",
                content: ("Summarise the ticket.", "Customer asks about The Refund Policy for annual plans.", "The customer wants a refund.")));

        // T4: a cheap, quick question with no user.
        var t4Start = Day2.AddHours(12);
        var t4Root = NewSpanId();
        yield return Export("rag", null,
            Root(T4, t4Root, "POST /ask", t4Start, 150),
            Call(T4, C4, t4Root, "chat gpt-4o-mini", t4Start.AddMilliseconds(20), 100, "chat", "openai", "gpt-4o-mini", "ask",
                cost: 0.004, input: 500, cacheRead: 100, output: 50,
                content: ("Be brief.", "Is the <b>Café</b> open on Sundays?", "Yes.")));
    }

    private static ExportTraceServiceRequest Export(string service, string? project, params OtlpSpan[] spans)
    {
        var request = Request(service, spans);
        if (project is not null)
        {
            request.ResourceSpans[0].Resource.Attributes.Add(Attribute("openinference.project.name", project));
        }

        return request;
    }

    private static OtlpSpan Root(string traceId, byte[] spanId, string name, DateTime start, double durationMs, params (string Key, string Value)[] attributes)
    {
        var span = Timed(traceId, spanId, null, name, start, durationMs);
        span.Kind = OtlpSpan.Types.SpanKind.Server;
        span.Attributes.AddRange(attributes.Select(a => Attribute(a.Key, a.Value)));
        return span;
    }

    private static OtlpSpan Plain(string traceId, byte[] parent, string name, DateTime start, double durationMs, params (string Key, string Value)[] attributes)
    {
        var span = Timed(traceId, NewSpanId(), parent, name, start, durationMs);
        span.Attributes.AddRange(attributes.Select(a => Attribute(a.Key, a.Value)));
        return span;
    }

    private static OtlpSpan Call(
        string traceId, string spanId, byte[] parent, string name, DateTime start, double durationMs,
        string operation, string provider, string model, string feature,
        double cost, long input, long? cacheRead = null, long? output = null, double? ttftSeconds = null, bool error = false, string? user = null,
        (string System, string User, string Assistant)? content = null)
    {
        var span = Timed(traceId, Convert.FromHexString(spanId), parent, name, start, durationMs);
        span.Kind = OtlpSpan.Types.SpanKind.Client;
        span.Attributes.Add(Attribute("gen_ai.operation.name", operation));
        span.Attributes.Add(Attribute("gen_ai.provider.name", provider));
        span.Attributes.Add(Attribute("gen_ai.request.model", model));
        span.Attributes.Add(Attribute("gen_ai.response.model", model));
        span.Attributes.Add(Attribute("gen_ai.usage.input_tokens", input));
        if (cacheRead is { } c) span.Attributes.Add(Attribute("gen_ai.usage.cache_read.input_tokens", c));
        if (output is { } o) span.Attributes.Add(Attribute("gen_ai.usage.output_tokens", o));
        span.Attributes.Add(Double("llmobs.cost.total", cost));
        span.Attributes.Add(Attribute("llmobs.feature", feature));
        if (ttftSeconds is { } ttft) span.Attributes.Add(Double("gen_ai.response.time_to_first_chunk", ttft));
        if (user is not null) span.Attributes.Add(Attribute("user.id", user));
        if (content is var (system, question, answer))
        {
            span.Attributes.Add(Attribute("gen_ai.system_instructions", $$"""[{"type":"text","content":"{{system}}"}]"""));
            span.Attributes.Add(Attribute("gen_ai.input.messages", $$"""[{"role":"user","parts":[{"type":"text","content":"{{question}}"}]}]"""));
            span.Attributes.Add(Attribute("gen_ai.output.messages", $$"""[{"role":"assistant","parts":[{"type":"text","content":"{{answer}}"}],"finish_reason":"stop"}]"""));
        }

        if (error)
        {
            span.Status = new OtlpStatus { Code = OtlpStatus.Types.StatusCode.Error, Message = "rate limited" };
        }

        return span;
    }

    private static OtlpSpan Timed(string traceId, byte[] spanId, byte[]? parent, string name, DateTime start, double durationMs)
    {
        var span = Infrastructure.OtlpRequests.Span(Convert.FromHexString(traceId), spanId, name, parent);
        span.StartTimeUnixNano = (ulong)(start - DateTime.UnixEpoch).Ticks * 100;
        span.EndTimeUnixNano = span.StartTimeUnixNano + (ulong)(durationMs * 1_000_000);
        return span;
    }

    private static KeyValue Double(string key, double value) => new() { Key = key, Value = new AnyValue { DoubleValue = value } };
}
