using System.IO.Compression;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Tests.Infrastructure;

/// <summary>Hand-made OTLP trace requests, for the cases an SDK would never send.</summary>
public static class OtlpRequests
{
    public static byte[] NewTraceId() => RandomBytes(16);

    public static byte[] NewSpanId() => RandomBytes(8);

    public static string Hex(byte[] id) => Convert.ToHexStringLower(id);

    public static ExportTraceServiceRequest Request(string serviceName, params Span[] spans)
    {
        var scopeSpans = new ScopeSpans { Scope = new InstrumentationScope { Name = "LlmObs.Server.Tests" } };
        scopeSpans.Spans.AddRange(spans);
        var resourceSpans = new ResourceSpans { Resource = new Resource { Attributes = { Attribute("service.name", serviceName) } } };
        resourceSpans.ScopeSpans.Add(scopeSpans);
        return new ExportTraceServiceRequest { ResourceSpans = { resourceSpans } };
    }

    public static Span Span(byte[] traceId, byte[] spanId, string name, byte[]? parentSpanId = null, params KeyValue[] attributes)
    {
        var end = (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(traceId),
            SpanId = ByteString.CopyFrom(spanId),
            Name = name,
            Kind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Internal,
            StartTimeUnixNano = end - 5_000_000,
            EndTimeUnixNano = end,
        };
        if (parentSpanId is not null)
        {
            span.ParentSpanId = ByteString.CopyFrom(parentSpanId);
        }

        span.Attributes.AddRange(attributes);
        return span;
    }

    /// <summary>Moves <paramref name="span"/> to start at <paramref name="start"/>, lasting 5 ms.</summary>
    public static Span StartingAt(this Span span, DateTime start)
    {
        span.StartTimeUnixNano = (ulong)(start - DateTime.UnixEpoch).Ticks * 100;
        span.EndTimeUnixNano = span.StartTimeUnixNano + 5_000_000;
        return span;
    }

    public static KeyValue Attribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static KeyValue Attribute(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        bytes[0] |= 1; // all-zero ids are invalid in OTLP
        return bytes;
    }
}
