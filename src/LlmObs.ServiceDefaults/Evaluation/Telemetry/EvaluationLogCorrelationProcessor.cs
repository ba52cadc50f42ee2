using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace LlmObs.Evaluation.Telemetry;

/// <summary>
/// Gives an evaluation's log record the trace context of the span it evaluated. OpenTelemetry stamps log records
/// with <c>Activity.Current</c>, but an offline evaluator runs long after the span ended, in another process: it
/// names the span in two attributes, and this processor (added before the exporters) moves them into the record's
/// trace and span id, where the Aspire dashboard and LlmObs look for a span's events.
/// </summary>
public sealed class EvaluationLogCorrelationProcessor : BaseProcessor<LogRecord>
{
    /// <inheritdoc />
    public override void OnEnd(LogRecord data)
    {
        if (data.Attributes is not { Count: > 0 } attributes)
        {
            return;
        }

        string? traceId = null, spanId = null;
        foreach (var (key, value) in attributes)
        {
            if (key == EvaluationAttributes.TargetTraceId) traceId = value as string;
            else if (key == EvaluationAttributes.TargetSpanId) spanId = value as string;
        }

        if (traceId is not { Length: 32 } || spanId is not { Length: 16 })
        {
            return;
        }

        try
        {
            data.TraceId = ActivityTraceId.CreateFromString(traceId);
            data.SpanId = ActivitySpanId.CreateFromString(spanId);
            data.TraceFlags = ActivityTraceFlags.Recorded;
        }
        catch (ArgumentOutOfRangeException)
        {
            return; // not hex: leave the record as it was
        }

        data.Attributes = attributes.Where(a => a.Key is not (EvaluationAttributes.TargetTraceId or EvaluationAttributes.TargetSpanId)).ToList();
    }
}
