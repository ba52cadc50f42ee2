namespace LlmObs.Server.Sampling.Policies;

/// <summary>
/// Keeps traces where a span carries a numeric attribute in a range, e.g. a low evaluation score or model
/// confidence (the Collector's <c>numeric_attribute</c> policy).
/// </summary>
internal sealed class AttributeRangePolicy(IReadOnlyDictionary<string, NumericRange> ranges) : ISamplingPolicy
{
    public bool Keeps<TPayload>(BufferedTrace<TPayload> trace, out string reason)
    {
        reason = SamplingReasons.Attribute;
        foreach (var attributes in trace.NumericAttributes ?? [])
        {
            foreach (var (key, range) in ranges)
            {
                if (attributes.TryGetValue(key, out var value) && range.Contains(value))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
