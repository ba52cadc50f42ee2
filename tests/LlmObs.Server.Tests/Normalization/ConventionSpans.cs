using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Tests.Normalization;

/// <summary>Builds spans attribute by attribute, the way each convention's SDK records them.</summary>
internal sealed class ConventionSpan
{
    private readonly Span _span;

    public ConventionSpan(string name)
    {
        var start = (ulong)(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks * 100;
        _span = new Span
        {
            TraceId = ByteString.CopyFrom(Infrastructure.OtlpRequests.NewTraceId()),
            SpanId = ByteString.CopyFrom(Infrastructure.OtlpRequests.NewSpanId()),
            Name = name,
            Kind = Span.Types.SpanKind.Client,
            StartTimeUnixNano = start,
            EndTimeUnixNano = start + 2_000_000_000,
        };
    }

    public static DateTime Start => new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    public ConventionSpan With(string key, string value) => Add(key, new AnyValue { StringValue = value });

    public ConventionSpan With(string key, long value) => Add(key, new AnyValue { IntValue = value });

    public ConventionSpan With(string key, double value) => Add(key, new AnyValue { DoubleValue = value });

    public ConventionSpan Event(string name, params (string Key, string Value)[] attributes)
    {
        var e = new Span.Types.Event { Name = name, TimeUnixNano = _span.StartTimeUnixNano };
        foreach (var (key, value) in attributes)
        {
            e.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
        }

        _span.Events.Add(e);
        return this;
    }

    public ConventionSpan Failed()
    {
        _span.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "boom" };
        return this;
    }

    public Span Build() => _span;

    private ConventionSpan Add(string key, AnyValue value)
    {
        _span.Attributes.Add(new KeyValue { Key = key, Value = value });
        return this;
    }
}
