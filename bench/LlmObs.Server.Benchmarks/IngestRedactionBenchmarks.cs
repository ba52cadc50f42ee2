using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using LlmObs.IngestLoad;
using LlmObs.Pricing;
using LlmObs.Redaction;
using LlmObs.Server.Ingest;
using LlmObs.Server.Normalization;
using LlmObs.Server.Redaction;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;

namespace LlmObs.Server.Benchmarks;

/// <summary>
/// What ingest redaction (<c>LlmObs:Redaction:Mode</c>) adds to the server's work for one export of 200 spans: decode,
/// redact, map (normalise, attributes to JSON), and the re-encode forwarding needs when redaction changed something.
/// Raw is today's path. Batches: the load generator's RAG requests (1–4 KB of content on chat and retrieval, raw
/// user ids); the same with an e-mail and a phone number in every prompt; and the same without content or user ids.
/// </summary>
[MemoryDiagnoser]
public class IngestRedactionBenchmarks
{
    private readonly OtlpSpanMapper _mapper = new(new LlmSpanNormalizer(PriceCatalog.Default));
    private IngestRedactor _redactor = null!;
    private byte[] _body = [];

    [Params("no-content", "rag", "rag-with-pii")]
    public string Batch { get; set; } = "rag";

    [Params(ContentMode.Raw, ContentMode.Redacted, ContentMode.Off)]
    public ContentMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (request, _) = new LlmSpanFactory(1).Request(200);
        foreach (var span in request.ResourceSpans[0].ScopeSpans[0].Spans)
        {
            for (var i = span.Attributes.Count - 1; i >= 0; i--)
            {
                var attribute = span.Attributes[i];
                if (Batch == "no-content" && ContentAttributes.Of(attribute.Key) != AttributeRole.None)
                {
                    span.Attributes.RemoveAt(i);
                }
                else if (Batch == "rag-with-pii" && attribute.Key == "gen_ai.input.messages")
                {
                    attribute.Value = new AnyValue { StringValue = attribute.Value.StringValue.Replace("\"}]}]", " Reply to jane.doe@example.com or +44 20 7946 0958.\"}]}]", StringComparison.Ordinal) };
                }
            }
        }

        _body = request.ToByteArray();
        _redactor = new IngestRedactor(Mode, new PiiRedactor(), new UserIdRedactor("benchmark-user-id-key"));
    }

    /// <summary>The pipeline's CPU work before the store, with forwarding on (a changed export is re-encoded).</summary>
    [Benchmark]
    public int DecodeRedactMapEncode()
    {
        var request = ExportTraceServiceRequest.Parser.ParseFrom(_body);
        var changed = _redactor.Redact(request);
        var mapped = _mapper.Map(request, new IngestSource(null));
        return mapped.Spans.Count + (changed ? request.ToByteArray().Length : 0);
    }
}
