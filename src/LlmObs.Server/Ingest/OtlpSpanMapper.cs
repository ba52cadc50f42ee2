using Google.Protobuf.Collections;
using LlmObs.Server.Normalization;
using LlmObs.Server.Storage.Content;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;

namespace LlmObs.Server.Ingest;

/// <summary>Turns an OTLP export request into the span records the store keeps.</summary>
/// <param name="normalizer">Gives each span its canonical LLM view.</param>
/// <param name="splitter">
/// The store's rule for large values, which are then moved out as the attributes are written (<see cref="OtlpJson.Row"/>);
/// null to keep every value in the records' JSON.
/// </param>
internal sealed class OtlpSpanMapper(LlmSpanNormalizer normalizer, LargeValueSplitter? splitter = null)
{
    /// <summary>Maps every valid span; spans without a 16-byte trace id or 8-byte span id are counted as rejected.</summary>
    public MappedTraces Map(ExportTraceServiceRequest request, IngestSource source)
    {
        var spans = new List<SpanRecord>();
        var llmSpans = new List<NormalizedSpan>();
        var rejected = 0;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resourceAttributes = resourceSpans.Resource?.Attributes;
            var serviceName = ResourceString(resourceAttributes, "service.name") ?? "unknown_service";
            var project = ProjectOf(resourceAttributes, source);
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

                    var llm = normalizer.Normalize(span);
                    if (!ReferenceEquals(llm, LlmView.None))
                    {
                        llmSpans.Add(new NormalizedSpan(span, llm));
                    }

                    var start = UnixNano.ToDateTime(span.StartTimeUnixNano);
                    var end = UnixNano.ToDateTime(Math.Max(span.EndTimeUnixNano, span.StartTimeUnixNano));
                    var (attributes, events, moved) = splitter is null
                        ? (OtlpJson.Attributes(span.Attributes), OtlpJson.Events(span.Events), null)
                        : OtlpJson.Row(span.Attributes, span.Events, splitter, LargeValueSplitter.DayOf(start));
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
                        Llm = llm,
                        AttributesJson = attributes,
                        ResourceJson = resourceJson,
                        EventsJson = events,
                        MovedValues = moved,
                        Project = project,
                    });
                }
            }
        }

        return new MappedTraces(spans, llmSpans, rejected);
    }

    // The resource names its project before the request does: one export (from a collector) can carry many
    // resources, each of which knows where it belongs, while a header is one setting for the whole batch.
    private static string ProjectOf(RepeatedField<KeyValue>? resourceAttributes, IngestSource source) =>
        ResourceString(resourceAttributes, "openinference.project.name")
        ?? ResourceString(resourceAttributes, "llmobs.project")
        ?? (string.IsNullOrWhiteSpace(source.ProjectHeader) ? null : source.ProjectHeader.Trim())
        ?? SpanRecord.DefaultProject;

    private static string? ResourceString(RepeatedField<KeyValue>? attributes, string key)
    {
        if (attributes is not null)
        {
            foreach (var attribute in attributes)
            {
                if (attribute.Key == key && attribute.Value?.StringValue is { Length: > 0 } value)
                {
                    return value;
                }
            }
        }

        return null;
    }
}
