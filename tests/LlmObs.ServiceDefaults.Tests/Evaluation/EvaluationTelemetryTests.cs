using System.Diagnostics;
using LlmObs.Evaluation.Telemetry;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace LlmObs.ServiceDefaults.Tests.Evaluation;

/// <summary>
/// Offline results reach OpenTelemetry as <c>gen_ai.evaluation.result</c> log events in the evaluated span's trace
/// context, which is where the Aspire dashboard's GenAI view looks for a span's evaluations.
/// </summary>
public sealed class EvaluationTelemetryTests
{
    [Fact]
    public void An_offline_result_is_a_gen_ai_evaluation_result_event_carrying_the_evaluated_spans_context()
    {
        var captured = new List<(ActivityTraceId TraceId, ActivitySpanId SpanId, string? EventName, Dictionary<string, object?> Attributes)>();
        using (var factory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
               {
                   otel.AddProcessor(new EvaluationLogCorrelationProcessor());
                   otel.AddProcessor(new Capture(captured));
               })))
        {
            var traceId = ActivityTraceId.CreateRandom();
            var spanId = ActivitySpanId.CreateRandom();
            using var unrelated = new Activity("worker loop").Start(); // the worker's own span must not claim the event

            new EvaluationEvents(factory.CreateLogger<EvaluationEvents>())
                .Emit(traceId.ToHexString(), spanId.ToHexString(), "eval.groundedness", 0.8, "good", "8 of 10 words found.", "chatcmpl-1");

            var record = Assert.Single(captured);
            Assert.Equal((traceId, spanId), (record.TraceId, record.SpanId));
            Assert.Equal("gen_ai.evaluation.result", record.EventName);
            Assert.Equal("gen_ai.evaluation.result", record.Attributes["event.name"]);
            Assert.Equal("eval.groundedness", record.Attributes["gen_ai.evaluation.name"]);
            Assert.Equal(0.8, record.Attributes["gen_ai.evaluation.score.value"]);
            Assert.Equal("good", record.Attributes["gen_ai.evaluation.score.label"]);
            Assert.Equal("8 of 10 words found.", record.Attributes["gen_ai.evaluation.explanation"]);
            Assert.Equal("chatcmpl-1", record.Attributes["gen_ai.response.id"]);
            Assert.DoesNotContain(record.Attributes.Keys, k => k.StartsWith("llmobs.evaluation.", StringComparison.Ordinal));
        }
    }

    private sealed class Capture(List<(ActivityTraceId, ActivitySpanId, string?, Dictionary<string, object?>)> records) : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord data) =>
            records.Add((data.TraceId, data.SpanId, data.EventId.Name, (data.Attributes ?? []).ToDictionary(a => a.Key, a => a.Value)));
    }
}
