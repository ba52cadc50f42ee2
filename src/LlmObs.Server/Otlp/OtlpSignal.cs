using Google.Protobuf.Reflection;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace LlmObs.Server.Otlp;

/// <summary>The three OTLP signals, with the names each transport addresses them by and the request message each carries.</summary>
internal sealed record OtlpSignal(string Name, string HttpPath, string GrpcService, MessageDescriptor Request)
{
    public static readonly OtlpSignal Traces = new("traces", "v1/traces", TraceService.Descriptor.FullName, ExportTraceServiceRequest.Descriptor);
    public static readonly OtlpSignal Logs = new("logs", "v1/logs", LogsService.Descriptor.FullName, ExportLogsServiceRequest.Descriptor);
    public static readonly OtlpSignal Metrics = new("metrics", "v1/metrics", MetricsService.Descriptor.FullName, ExportMetricsServiceRequest.Descriptor);

    public static IReadOnlyList<OtlpSignal> All { get; } = [Traces, Logs, Metrics];
}
