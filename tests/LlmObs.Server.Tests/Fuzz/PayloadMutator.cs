using System.Text;

namespace LlmObs.Server.Tests.Fuzz;

/// <summary>
/// Deterministic mutations of valid payloads: the malformed inputs a broken or hostile client sends (flipped and
/// inserted bytes, cut and repeated ranges, huge length prefixes, splices of two messages, deep nesting).
/// </summary>
internal sealed class PayloadMutator(int seed)
{
    private static readonly byte[] JsonTokens = Encoding.UTF8.GetBytes("{}[]\":,-.0123456789eE \\/tfnu");

    private readonly Random _random = new(seed);

    public byte[] MutateProtobuf(byte[] seedPayload, byte[] other) => _random.Next(8) switch
    {
        0 => FlipBytes(seedPayload),
        1 => InsertBytes(seedPayload, RandomBytes(_random.Next(1, 16))),
        2 => DeleteRange(seedPayload),
        3 => DuplicateRange(seedPayload),
        4 => seedPayload[.._random.Next(seedPayload.Length + 1)],
        5 => Splice(seedPayload, other),
        6 => HugeVarint(seedPayload),
        _ => FlipBytes(DuplicateRange(seedPayload)),
    };

    public byte[] MutateJson(byte[] seedPayload, byte[] other) => _random.Next(9) switch
    {
        0 => FlipBytes(seedPayload),
        1 => InsertBytes(seedPayload, [JsonTokens[_random.Next(JsonTokens.Length)]]),
        2 => DeleteRange(seedPayload),
        3 => DuplicateRange(seedPayload),
        4 => seedPayload[.._random.Next(seedPayload.Length + 1)],
        5 => Splice(seedPayload, other),
        6 => ReplaceTokens(seedPayload),
        7 => DeepNesting(seedPayload),
        _ => ReplaceTokens(DuplicateRange(seedPayload)),
    };

    private byte[] FlipBytes(byte[] payload)
    {
        var copy = (byte[])payload.Clone();
        for (var i = 0; i < _random.Next(1, 8) && copy.Length > 0; i++)
        {
            copy[_random.Next(copy.Length)] = (byte)_random.Next(256);
        }

        return copy;
    }

    private byte[] InsertBytes(byte[] payload, byte[] inserted)
    {
        var at = _random.Next(payload.Length + 1);
        return [.. payload[..at], .. inserted, .. payload[at..]];
    }

    private byte[] DeleteRange(byte[] payload)
    {
        if (payload.Length == 0)
        {
            return payload;
        }

        var at = _random.Next(payload.Length);
        var length = _random.Next(1, Math.Min(64, payload.Length - at) + 1);
        return [.. payload[..at], .. payload[(at + length)..]];
    }

    private byte[] DuplicateRange(byte[] payload)
    {
        if (payload.Length == 0)
        {
            return payload;
        }

        var at = _random.Next(payload.Length);
        var length = _random.Next(1, Math.Min(256, payload.Length - at) + 1);
        return InsertBytes(payload, payload[at..(at + length)]);
    }

    private byte[] Splice(byte[] a, byte[] b) => [.. a[.._random.Next(a.Length + 1)], .. b[_random.Next(b.Length + 1)..]];

    // A length prefix claiming far more bytes than follow: the parser must fail, not allocate it.
    private byte[] HugeVarint(byte[] payload) => InsertBytes(payload, [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);

    private byte[] ReplaceTokens(byte[] payload)
    {
        var text = Encoding.UTF8.GetString(payload);
        string[] from = ["\"", ":", "\"1", "true", "[", "{", "0", "stringValue", "traceId", "intValue"];
        string[] to = ["", "::", "\"-1e999", "tru", "[[", "{\"\":", "18446744073709551616", "intValue", "spanId", "doubleValue"];
        var i = _random.Next(from.Length);
        var index = text.IndexOf(from[i], _random.Next(Math.Max(1, text.Length)) % Math.Max(1, text.Length), StringComparison.Ordinal);
        return index < 0 ? payload : Encoding.UTF8.GetBytes(text[..index] + to[i] + text[(index + from[i].Length)..]);
    }

    private byte[] DeepNesting(byte[] payload)
    {
        var depth = _random.Next(50, 5_000);
        var nested = Encoding.UTF8.GetBytes("{\"resourceSpans\":" + new string('[', depth) + new string(']', depth) + "}");
        return _random.Next(2) == 0 ? nested : InsertBytes(payload, Encoding.UTF8.GetBytes(new string('[', depth)));
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
