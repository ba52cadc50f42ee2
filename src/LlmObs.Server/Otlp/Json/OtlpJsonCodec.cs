using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace LlmObs.Server.Otlp.Json;

/// <summary>
/// OTLP/JSON: the proto3 JSON mapping with the differences the OTLP specification makes — trace and span ids are
/// hex strings, not base64; enums are integers; field names are lowerCamelCase (the proto names are accepted too);
/// 64-bit integers may be strings or numbers; unknown fields are ignored. Google.Protobuf does the proto3 mapping,
/// this class only rewrites the id fields between hex and the base64 it expects.
/// </summary>
internal static class OtlpJsonCodec
{
    // The only bytes fields OTLP spells in hex. They appear on spans, span links, log records and exemplars;
    // every other bytes field (AnyValue.bytesValue) stays base64.
    private static readonly HashSet<string> IdFields = ["traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"];

    // Real OTLP nests about ten levels (kvlist inside array inside kvlist adds more); far deeper is an attack, not data.
    private const int MaxDepth = 64;

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true).WithRecursionLimit(MaxDepth));

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true));

    public static IMessage Parse(ReadOnlySpan<byte> utf8, MessageDescriptor descriptor)
    {
        // System.Text.Json reads invalid UTF-8 inside strings lazily and then throws InvalidOperationException
        // (a 500); JSON must be UTF-8, so a body that is not is a 400 up front.
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            throw new OtlpDecodeException("The body is not valid UTF-8; OTLP/JSON is UTF-8 JSON.");
        }

        var root = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth })
            ?? throw new OtlpDecodeException("The body is JSON null, not an OTLP export request.");
        if (root is not JsonObject)
        {
            throw new OtlpDecodeException($"The body is a JSON {root.GetValueKind()}, not an OTLP export request object.");
        }

        string rewritten;
        try
        {
            RewriteIds(root, HexToBase64);
            rewritten = root.ToJsonString();
        }
        catch (InvalidOperationException ex)
        {
            // Strings are read lazily: an escape of half a surrogate pair ("\ud83d" alone) is valid JSON syntax but
            // no Unicode text, and OTLP strings must be valid UTF-8.
            throw new OtlpDecodeException($"The body holds a string that is not valid Unicode text: {ex.Message}", ex);
        }

        return Parser.Parse(rewritten, descriptor);
    }

    public static byte[] Format(IMessage message)
    {
        var root = JsonNode.Parse(Formatter.Format(message))!;
        RewriteIds(root, Base64ToHex);
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static void RewriteIds(JsonNode node, Func<string, string, string> rewrite)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    var child = obj[name];
                    if (child is null)
                    {
                        continue;
                    }

                    if (IdFields.Contains(name) && child.GetValueKind() == JsonValueKind.String)
                    {
                        obj[name] = rewrite(name, child.GetValue<string>());
                    }
                    else
                    {
                        RewriteIds(child, rewrite);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        RewriteIds(item, rewrite);
                    }
                }

                break;
        }
    }

    private static string HexToBase64(string field, string hex)
    {
        if (hex.Length % 2 != 0 || !hex.All(Uri.IsHexDigit))
        {
            // Not guessed as base64: a 32-character hex id is also valid base64 and would silently become a 24-byte id.
            throw new OtlpDecodeException($"'{field}' must be a hex string in OTLP/JSON; got '{Truncate(hex)}'.");
        }

        return Convert.ToBase64String(Convert.FromHexString(hex));
    }

    private static string Base64ToHex(string field, string base64) => Convert.ToHexStringLower(Convert.FromBase64String(base64));

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
