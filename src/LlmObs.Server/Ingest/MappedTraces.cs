using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Ingest;

/// <summary>An export turned into store records, with the LLM spans' views kept beside their protobuf spans for the gateway.</summary>
internal sealed record MappedTraces(List<SpanRecord> Spans, List<NormalizedSpan> LlmSpans, int Rejected);

/// <summary>A received span and the canonical view read from it.</summary>
internal sealed record NormalizedSpan(Span Span, LlmView View);
