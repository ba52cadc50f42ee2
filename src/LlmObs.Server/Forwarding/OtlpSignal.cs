namespace LlmObs.Server.Forwarding;

/// <summary>The three OTLP signals, with the names each transport addresses them by.</summary>
internal sealed record OtlpSignal(string HttpPath, string GrpcService)
{
    public static readonly OtlpSignal Traces = new("v1/traces", "opentelemetry.proto.collector.trace.v1.TraceService");
    public static readonly OtlpSignal Logs = new("v1/logs", "opentelemetry.proto.collector.logs.v1.LogsService");
    public static readonly OtlpSignal Metrics = new("v1/metrics", "opentelemetry.proto.collector.metrics.v1.MetricsService");
}
