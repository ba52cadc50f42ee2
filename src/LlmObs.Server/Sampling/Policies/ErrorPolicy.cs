namespace LlmObs.Server.Sampling.Policies;

/// <summary>Keeps every trace with an error span (the Collector's <c>status_code: [ERROR]</c>).</summary>
internal sealed class ErrorPolicy : ISamplingPolicy
{
    public bool Keeps<TPayload>(BufferedTrace<TPayload> trace, out string reason)
    {
        reason = SamplingReasons.Error;
        return trace.HasError;
    }
}
