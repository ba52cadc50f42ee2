namespace LlmObs.Server.Sampling;

/// <summary>
/// Probability decisions from the trace id alone, the way the W3C trace context (level 2) and OpenTelemetry's
/// consistent probability sampling read it: the last 7 bytes (56 bits) are random. Every service and the server
/// reach the same verdict for the same trace, so a trace is kept or dropped whole.
/// </summary>
internal static class TraceIdRandomness
{
    private const ulong Range = 1UL << 56;

    public static bool Keeps(string traceIdHex, double probability)
    {
        if (probability >= 1)
        {
            return true;
        }

        if (probability <= 0 || traceIdHex.Length != 32 || !ulong.TryParse(traceIdHex.AsSpan(18), System.Globalization.NumberStyles.HexNumber, null, out var randomness))
        {
            return false;
        }

        return randomness < (ulong)(probability * Range);
    }
}
