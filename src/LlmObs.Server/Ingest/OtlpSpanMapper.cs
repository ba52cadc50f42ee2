using LlmObs.Server.Normalization;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;

namespace LlmObs.Server.Ingest;

/// <summary>Turns an OTLP export request into the span records the store keeps.</summary>
internal sealed class OtlpSpanMapper(LlmSpanNormalizer normalizer)
{
    /// <summary>Maps every valid span; spans without a 16-byte trace id or 8-byte span id are counted as rejected.</summary>
    public (List<SpanRecord> Spans, int Rejected) Map(ExportTraceServiceRequest request)
    {
        var spans = new List<SpanRecord>();
        var rejected = 0;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resourceAttributes = resourceSpans.Resource?.Attributes;
            var serviceName = ServiceName(resourceAttributes);
            var resourceJson = resourceAttributes is null ? "{}" : OtlpJson.Attributes(resourceAttributes);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                foreach (var span in scopeSpans.Spans)
                {
                    if (span.TraceId.Length != 16 || span.SpanId.Length != 8)
                    {
                        rejected++;
                        continue;
                    }

                    var start = UnixNano.ToDateTime(span.StartTimeUnixNano);
                    var end = UnixNano.ToDateTime(Math.Max(span.EndTimeUnixNano, span.StartTimeUnixNano));
                    spans.Add(new SpanRecord
                    {
                        TraceId = OtlpId.ToHex(span.TraceId)!,
                        SpanId = OtlpId.ToHex(span.SpanId)!,
                        ParentSpanId = span.ParentSpanId.Length == 8 ? OtlpId.ToHex(span.ParentSpanId) : null,
                        Name = span.Name,
                        Kind = (int)span.Kind,
                        ServiceName = serviceName,
                        ScopeName = scopeSpans.Scope?.Name,
                        StartTime = start,
                        EndTime = end,
                        DurationMs = (span.EndTimeUnixNano > span.StartTimeUnixNano ? span.EndTimeUnixNano - span.StartTimeUnixNano : 0) / 1_000_000.0,
                        StatusCode = (int)(span.Status?.Code ?? 0),
                        StatusMessage = string.IsNullOrEmpty(span.Status?.Message) ? null : span.Status.Message,
                        Llm = normalizer.Normalize(span.Attributes),
                        AttributesJson = OtlpJson.Attributes(span.Attributes),
                        ResourceJson = resourceJson,
                        EventsJson = OtlpJson.Events(span.Events),
                    });
                }
            }
        }

        return (spans, rejected);
    }

    private static string ServiceName(Google.Protobuf.Collections.RepeatedField<KeyValue>? attributes)
    {
        if (attributes is not null)
        {
            foreach (var attribute in attributes)
            {
                if (attribute.Key == "service.name" && attribute.Value?.StringValue is { Length: > 0 } name)
                {
                    return name;
                }
            }
        }

        return "unknown_service";
    }
}
