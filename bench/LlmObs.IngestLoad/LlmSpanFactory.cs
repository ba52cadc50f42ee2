using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.IngestLoad;

/// <summary>
/// Export requests shaped like a RAG service's: per trace an HTTP root, an embedding, a retrieval and a chat call,
/// each with 20–40 attributes; chat and retrieval carry 1–4 KB of prompt, completion or documents.
/// </summary>
/// <param name="seed">Seeds ids and text, so each sender's requests differ.</param>
/// <param name="content">False: the same spans without prompt, completion, system instructions, query or documents
/// (what a service that records no content sends), for the storage size of a span without content.</param>
internal sealed class LlmSpanFactory(int seed, bool content = true)
{
    private static readonly string[] Words =
        "the refund policy says customers may return any item within thirty days of delivery for a full refund provided it is unused and in its original packaging shipping costs are not refundable unless the item arrived damaged"
            .Split(' ');

    private static readonly string[] Models = ["gpt-4o-mini", "gpt-4o", "claude-3-5-sonnet-20241022", "text-embedding-3-small"];

    private readonly Random _random = new(seed);

    public (ExportTraceServiceRequest Request, int Spans) Request(int spans)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "Experimental.Microsoft.Extensions.AI", Version = "10.11.0" } };
        var count = 0;
        while (count < spans)
        {
            var traceId = Id(16);
            var root = Id(8);
            var start = (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
            scope.Spans.Add(Span(traceId, root, ByteString.Empty, "POST /ask", start, 900, Http()));
            scope.Spans.Add(Span(traceId, Id(8), root, "embeddings text-embedding-3-small", start + 1_000_000, 40, Embedding()));
            scope.Spans.Add(Span(traceId, Id(8), root, "retrieval handbook", start + 45_000_000, 15, Retrieval()));
            scope.Spans.Add(Span(traceId, Id(8), root, "chat gpt-4o-mini", start + 70_000_000, 800, Chat()));
            count += 4;
        }

        var resource = new Resource();
        foreach (var (key, value) in new[]
                 {
                     ("service.name", "rag"), ("service.version", "1.4.2"), ("service.instance.id", Guid.NewGuid().ToString()),
                     ("telemetry.sdk.name", "opentelemetry"), ("telemetry.sdk.language", "dotnet"), ("telemetry.sdk.version", "1.20.1"),
                     ("deployment.environment.name", "production"), ("host.name", "rag-7f9c"),
                 })
        {
            resource.Attributes.Add(Str(key, value));
        }

        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(new ResourceSpans { Resource = resource, ScopeSpans = { scope } });
        return (request, count);
    }

    private Span Span(ByteString traceId, ByteString id, ByteString parent, string name, ulong start, int ms, IEnumerable<KeyValue> attributes)
    {
        var span = new Span
        {
            TraceId = traceId,
            SpanId = id,
            ParentSpanId = parent,
            Name = name,
            Kind = parent.IsEmpty ? OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Server : OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Client,
            StartTimeUnixNano = start,
            EndTimeUnixNano = start + (ulong)ms * 1_000_000,
            Status = new Status { Code = Status.Types.StatusCode.Ok },
        };
        span.Attributes.AddRange(attributes);
        return span;
    }

    private IEnumerable<KeyValue> Http() =>
    [
        Str("http.request.method", "POST"), Str("url.path", "/ask"), Str("url.scheme", "http"), Str("server.address", "localhost"),
        Int("server.port", 5080), Int("http.response.status_code", 200), Str("http.route", "/ask"), Str("network.protocol.version", "1.1"),
        Str("user_agent.original", "curl/8.5.0"), Str("client.address", "127.0.0.1"), Str("llmobs.feature", "ask"), Str("user.id", "u-" + _random.Next(1000)),
        Str("session.id", Guid.NewGuid().ToString("N")), Str("aspnetcore.routing.matched", "true"), Str("network.peer.address", "127.0.0.1"),
        Int("network.peer.port", 40000 + _random.Next(20000)), Str("url.query", ""), Str("http.request.header.content-type", "application/json"),
        Str("thread.name", ".NET TP Worker"), Int("thread.id", _random.Next(64)),
    ];

    private IEnumerable<KeyValue> Embedding() =>
    [
        .. GenAi("embeddings", "text-embedding-3-small"),
        Int("gen_ai.usage.input_tokens", 10 + _random.Next(40)), Int("gen_ai.embeddings.dimension.count", 1536),
        Str("gen_ai.request.encoding_formats", "float"),
    ];

    private IEnumerable<KeyValue> Retrieval() =>
    [
        Str("gen_ai.operation.name", "retrieval"), Str("gen_ai.data_source.id", "handbook"), Int("gen_ai.request.top_k", 4),
        Int("llmobs.retrieval.returned_count", 4),
        .. Content(
            Str("gen_ai.retrieval.query.text", Text(60, 200)),
            Str("gen_ai.retrieval.documents", "[" + string.Join(",", Enumerable.Range(0, 4).Select(i => $"{{\"id\":\"doc-{_random.Next(500)}\",\"score\":0.{_random.Next(100, 999)},\"content\":\"{Text(250, 900)}\"}}")) + "]")),
        Str("llmobs.feature", "ask"), Str("db.system.name", "in-memory"), Str("server.address", "localhost"), Int("server.port", 0),
        .. Filler(12),
    ];

    private IEnumerable<KeyValue> Chat()
    {
        var model = Models[_random.Next(3)];
        var input = 500 + _random.Next(3000);
        return
        [
            .. GenAi("chat", model),
            Str("gen_ai.response.model", model), Str("gen_ai.response.id", "chatcmpl-" + Guid.NewGuid().ToString("N")),
            Str("gen_ai.response.finish_reasons", "[\"stop\"]"), Int("gen_ai.usage.input_tokens", input), Int("gen_ai.usage.output_tokens", 50 + _random.Next(400)),
            Int("gen_ai.usage.cache_read.input_tokens", _random.Next(2) * (input / 2)), Int("gen_ai.usage.reasoning.output_tokens", 0),
            Dbl("gen_ai.request.temperature", 0.2), Int("gen_ai.request.max_tokens", 1024), Dbl("gen_ai.request.top_p", 1.0),
            Dbl("gen_ai.response.time_to_first_chunk", 0.1 + _random.NextDouble()),
            .. Content(
                Str("gen_ai.system_instructions", "[{\"type\":\"text\",\"content\":\"You answer questions about the company handbook. Cite the document ids you used.\"}]"),
                Str("gen_ai.input.messages", $"[{{\"role\":\"user\",\"parts\":[{{\"type\":\"text\",\"content\":\"{Text(1000, 3000)}\"}}]}}]"),
                Str("gen_ai.output.messages", $"[{{\"role\":\"assistant\",\"parts\":[{{\"type\":\"text\",\"content\":\"{Text(200, 1000)}\"}}]}}]")),
            Str("llmobs.feature", "ask"), Str("user.id", "u-" + _random.Next(1000)),
            .. Filler(8),
        ];
    }

    private static IEnumerable<KeyValue> GenAi(string operation, string model) =>
    [
        Str("gen_ai.operation.name", operation), Str("gen_ai.provider.name", model.StartsWith("claude") ? "anthropic" : "openai"),
        Str("gen_ai.request.model", model), Str("server.address", "api.openai.com"), Int("server.port", 443),
    ];

    // The content attributes are made (so the random sequence, and with it every other attribute, is the same) and
    // then left out when the run sends no content.
    private KeyValue[] Content(params KeyValue[] attributes) => content ? attributes : [];

    private IEnumerable<KeyValue> Filler(int count) =>
        Enumerable.Range(0, count).Select(i => Str($"app.tag.{i}", Words[_random.Next(Words.Length)] + "-" + _random.Next(100)));

    private string Text(int min, int max)
    {
        var length = _random.Next(min, max);
        var builder = new System.Text.StringBuilder(length + 16);
        while (builder.Length < length)
        {
            builder.Append(Words[_random.Next(Words.Length)]).Append(' ');
        }

        return builder.ToString(0, length);
    }

    private ByteString Id(int bytes)
    {
        var id = new byte[bytes];
        _random.NextBytes(id);
        id[0] |= 1;
        return ByteString.CopyFrom(id);
    }

    private static KeyValue Str(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Int(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    private static KeyValue Dbl(string key, double value) => new() { Key = key, Value = new AnyValue { DoubleValue = value } };
}
