namespace LlmObs.Server.Sampling.Policies;

/// <summary>One tail-sampling rule. Policies are OR'd; the first that keeps a trace names the reason.</summary>
internal interface ISamplingPolicy
{
    /// <summary>Whether the policy keeps the trace, and under which reason.</summary>
    bool Keeps<TPayload>(BufferedTrace<TPayload> trace, out string reason);

    /// <summary>Called once per decided trace, kept or not, so running statistics see every trace.</summary>
    void Observe<TPayload>(BufferedTrace<TPayload> trace)
    {
    }
}
