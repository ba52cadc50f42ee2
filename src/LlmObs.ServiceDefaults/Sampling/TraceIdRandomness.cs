using System.Diagnostics;
using System.Globalization;

namespace LlmObs.Sampling;

/// <summary>
/// Probability decisions from the trace id alone, the way the W3C trace context (level 2) and OpenTelemetry's
/// consistent probability sampling read it: the last 7 bytes (56 bits) are random. The services' head sampler and
/// the server's tail sampler use this one function, so they reach the same verdict for the same trace and a trace
/// is kept or dropped whole.
/// </summary>
internal static class TraceIdRandomness
{
    private const ulong Range = 1UL << 56;

    public static bool Keeps(ActivityTraceId traceId, double probability)
    {
        Span<byte> bytes = stackalloc byte[16];
        traceId.CopyTo(bytes);
        ulong randomness = 0;
        foreach (var b in bytes[9..])
        {
            randomness = (randomness << 8) | b;
        }

        return Keeps(randomness, probability);
    }

    public static bool Keeps(string traceIdHex, double probability) =>
        traceIdHex.Length == 32
        && ulong.TryParse(traceIdHex.AsSpan(18), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var randomness)
        && Keeps(randomness, probability);

    private static bool Keeps(ulong randomness, double probability) =>
        probability >= 1 || (probability > 0 && randomness < (ulong)(probability * Range));
}
