using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Normalization.Conventions;

/// <summary>One LLM tracing convention: how to tell its spans and how to read them into the canonical view.</summary>
internal interface ILlmConvention
{
    /// <summary>The name recorded in the view's <c>convention</c>.</summary>
    string Name { get; }

    bool Recognises(SpanAttributes attributes, Span span);

    /// <summary>Fills what this convention knows and the draft does not have yet.</summary>
    void Read(SpanAttributes attributes, Span span, LlmViewDraft draft);
}
