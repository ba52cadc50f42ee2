using System.Diagnostics.Metrics;

namespace LlmObs.Metrics;

/// <summary>
/// The GenAI client histograms of the chat spans LlmObs writes itself (<c>ChatSpan</c>): the same instruments as
/// Microsoft.Extensions.AI's <c>OpenTelemetryChatClient</c> creates on the meter <c>LlmObs</c> — name, unit, description
/// and buckets — so the OpenTelemetry SDK aggregates both into one stream.
/// </summary>
internal static class GenAiClientMetrics
{
    public static readonly Histogram<double> OperationDuration = LlmObsMetrics.Meter.CreateHistogram<double>(
        "gen_ai.client.operation.duration",
        "s",
        "Measures the duration of a GenAI operation",
        advice: new() { HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] });

    public static readonly Histogram<int> TokenUsage = LlmObsMetrics.Meter.CreateHistogram<int>(
        "gen_ai.client.token.usage",
        "{token}",
        "Measures number of input and output tokens used",
        advice: new() { HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864] });
}
