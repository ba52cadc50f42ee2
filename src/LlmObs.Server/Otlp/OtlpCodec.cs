using System.Text.Json;
using Google.Protobuf;
using LlmObs.Server.Otlp.Json;

namespace LlmObs.Server.Otlp;

/// <summary>
/// Decodes and encodes OTLP export messages in either encoding. Every signal is parsed in full, even the ones
/// LlmObs only forwards, so that a malformed body is refused here instead of being passed downstream.
/// </summary>
internal static class OtlpCodec
{
    /// <summary>Parses <paramref name="body"/> as the request message of <paramref name="signal"/>; throws <see cref="OtlpDecodeException"/> when it is not one.</summary>
    public static IMessage Decode(OtlpSignal signal, ReadOnlyMemory<byte> body, OtlpEncoding encoding)
    {
        try
        {
            return encoding == OtlpEncoding.Json
                ? OtlpJsonCodec.Parse(body.Span, signal.Request)
                : signal.Request.Parser.ParseFrom(body.Span);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new OtlpDecodeException($"The body is not a valid OTLP {signal.Request.Name}: {ex.Message}", ex);
        }
        catch (JsonException ex)
        {
            throw new OtlpDecodeException($"The body is not valid JSON: {ex.Message}", ex);
        }
        catch (InvalidJsonException ex)
        {
            throw new OtlpDecodeException($"The body is not a valid OTLP/JSON {signal.Request.Name}: {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            // System.Text.Json reports a duplicate property name in an object this way.
            throw new OtlpDecodeException($"The body is not a valid OTLP/JSON {signal.Request.Name}: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            // Google.Protobuf's JSON parser reports out-of-range numbers, bad base64 and bad enum values this way.
            throw new OtlpDecodeException($"The body is not a valid OTLP/JSON {signal.Request.Name}: {ex.Message}", ex);
        }
    }

    public static byte[] Encode(IMessage message, OtlpEncoding encoding) =>
        encoding == OtlpEncoding.Json ? OtlpJsonCodec.Format(message) : message.ToByteArray();
}
