using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Compliance.Redaction;

namespace LlmObs.Redaction;

/// <summary>
/// Replaces personal data and secrets in text with <c>[REDACTED:kind]</c>: e-mail addresses, phone numbers,
/// card numbers (Luhn-checked), IBANs (mod-97-checked), US SSNs and UK NI numbers, IPv4/IPv6 addresses, API keys,
/// bearer tokens and JWTs, and the patterns of <see cref="LlmRedactionOptions.CustomPatterns"/>.
/// </summary>
/// <remarks>
/// Candidates are found by regular expressions and then validated (checksums, number shapes), which is what keeps
/// order numbers, dates, versions and hashes from being redacted. The expressions are not run over the text: a
/// vectorised scan lists the few places where a candidate can begin (a digit after a non-digit, <c>@</c>, <c>:</c>,
/// <c>=</c>, <c>+</c>, <c>(</c> and the key prefixes), and they are tried there only, anchored, so text without
/// such places costs one scan and no allocation. JSON content (the GenAI message attributes) is redacted value by
/// value, so the result is still valid JSON of the same shape.
/// </remarks>
public sealed partial class PiiRedactor : Redactor
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(250);

    private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly LlmRedactionOptions _options;
    private readonly (string Kind, Regex Pattern)[] _custom;
    private readonly bool _hasCustom;

    /// <summary>Creates a redactor.</summary>
    /// <param name="options">Which kinds to redact; all by default.</param>
    /// <exception cref="ArgumentException">A custom pattern is not a valid regular expression.</exception>
    public PiiRedactor(LlmRedactionOptions? options = null)
    {
        _options = options ?? new LlmRedactionOptions();
        _custom = [.. _options.CustomPatterns.Select(p => (p.Key, new Regex(p.Value, RegexOptions.CultureInvariant, PatternTimeout)))];
        _hasCustom = _custom.Length > 0;
    }

    /// <summary>Redacts plain text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="count">How many pieces of data were replaced.</param>
    /// <returns>The redacted text; the same instance when nothing was found.</returns>
    public string RedactText(string text, out int count)
    {
        ArgumentNullException.ThrowIfNull(text);
        var matches = Find(text);
        count = matches?.Count ?? 0;
        return matches is null ? text : Replace(text, matches);
    }

    /// <summary>
    /// Redacts a content attribute: JSON (as in <c>gen_ai.input.messages</c> or tool arguments) string by string,
    /// anything else as plain text.
    /// </summary>
    /// <param name="content">The attribute value.</param>
    /// <param name="count">How many pieces of data were replaced.</param>
    /// <returns>The redacted value; the same instance when nothing was found.</returns>
    public string RedactContent(string content, out int count)
    {
        ArgumentNullException.ThrowIfNull(content);

        // Most content has nothing to redact: when no candidate can even begin in the raw text (escapes included),
        // none can in its strings either, and no JSON is parsed. Otherwise each string is searched once.
        if (!MayContain(content))
        {
            count = 0;
            return content;
        }

        var trimmed = content.AsSpan().TrimStart();
        if (trimmed.Length > 0 && trimmed[0] is '[' or '{')
        {
            try
            {
                var node = JsonNode.Parse(content);
                var total = 0;
                var redacted = RedactNode(node, ref total);
                count = total;
                return total == 0 ? content : (redacted ?? node)?.ToJsonString(RelaxedJson) ?? content;
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException)
            {
                // Not JSON after all (or text JSON cannot hold: half a surrogate pair): redact it as text.
            }
        }

        return RedactText(content, out count);
    }

    /// <inheritdoc/>
    public override int GetRedactedLength(ReadOnlySpan<char> input) => RedactText(input.ToString(), out _).Length;

    /// <inheritdoc/>
    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        var redacted = RedactText(source.ToString(), out _);
        if (!redacted.AsSpan().TryCopyTo(destination))
        {
            throw new ArgumentException("The destination is too small.", nameof(destination));
        }

        return redacted.Length;
    }

    // Returns a replacement for the node when it is a value that changed; containers are changed in place.
    private JsonNode? RedactNode(JsonNode? node, ref int count)
    {
        switch (node)
        {
            case JsonObject obj:
                List<(string Key, JsonNode? Value)>? changes = null;
                foreach (var (key, value) in obj)
                {
                    if (RedactNode(value, ref count) is { } replacement)
                    {
                        (changes ??= []).Add((key, replacement));
                    }
                }

                foreach (var (key, value) in changes ?? [])
                {
                    obj[key] = value;
                }

                return null;

            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (RedactNode(array[i], ref count) is { } replacement)
                    {
                        array[i] = replacement;
                    }
                }

                return null;

            case JsonValue value:
                // Card numbers and the like also arrive as JSON numbers in tool arguments.
                var text = value.GetValueKind() switch
                {
                    JsonValueKind.String => value.GetValue<string>(),
                    JsonValueKind.Number => value.ToJsonString(),
                    _ => null,
                };
                if (text is null)
                {
                    return null;
                }

                var redacted = RedactText(text, out var found);
                count += found;
                return found > 0 ? JsonValue.Create(redacted) : null;

            default:
                return null;
        }
    }

    private List<Match>? Find(string text)
    {
        var found = FindCandidates(text);

        foreach (var (kind, pattern) in _custom)
        {
            try
            {
                for (var m = pattern.Match(text); m.Success; m = m.NextMatch())
                {
                    if (m.Length > 0)
                    {
                        (found ??= []).Add(new Match(m.Index, m.Length, kind));
                    }
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A pattern too slow for this text is skipped rather than blocking the span.
            }
        }

        if (found is { Count: > 1 } && _hasCustom)
        {
            found.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
            var kept = new List<Match>(found.Count);
            var end = 0;
            foreach (var m in found)
            {
                if (m.Start >= end)
                {
                    kept.Add(m);
                    end = m.Start + m.Length;
                }
            }

            found = kept;
        }

        return found;
    }

    // Whether a candidate could begin anywhere in the text (vectorised scans, no expression), or a custom pattern matches.
    private bool MayContain(string text)
    {
        Span<int> first = stackalloc int[1];
        int[]? pooled = null;
        if (Starts(text, ref first, ref pooled, stopAtFirst: true) > 0)
        {
            return true;
        }

        foreach (var (_, pattern) in _custom)
        {
            try
            {
                if (pattern.IsMatch(text))
                {
                    return true;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    // The leftmost candidate first, and at each place the kinds in the order of precedence (a secret before an
    // e-mail, a card before a phone number...); a candidate that fails its check moves the search one character on.
    // Every kind's expression begins where Starts says one can, so trying them there only finds what a scan of the
    // whole text with them would.
    private List<Match>? FindCandidates(string text)
    {
        int[]? pooled = null;
        Span<int> starts = stackalloc int[64];
        List<Match>? found = null;
        try
        {
            var n = Starts(text, ref starts, ref pooled, stopAtFirst: false);
            var positions = starts[..n];
            positions.Sort();
            var next = 0;
            var previous = -1;
            foreach (var start in positions)
            {
                if (start < next || start == previous)
                {
                    continue;
                }

                previous = start;
                foreach (var (kind, pattern) in Kinds)
                {
                    if (!TryMatchAt(pattern, text, start, out var length))
                    {
                        continue;
                    }

                    if (Validate(kind, text.AsSpan(start, length)) is { } name)
                    {
                        (found ??= []).Add(new Match(start, length, name));
                        next = start + Math.Max(1, length);
                    }

                    break;
                }
            }
        }
        finally
        {
            if (pooled is not null)
            {
                ArrayPool<int>.Shared.Return(pooled);
            }
        }

        return found;
    }

    private static bool TryMatchAt(Regex pattern, string text, int start, out int length)
    {
        try
        {
            foreach (var match in pattern.EnumerateMatches(text, start))
            {
                length = match.Length;
                return true;
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // Anchored, the expressions have little to try; a timeout is treated as no match.
        }

        length = 0;
        return false;
    }

    // Where a candidate can begin:
    //   a digit after a non-digit: card, SSN, IPv4, phone (and the digits of IBANs and NI numbers, two or three back);
    //   "+" and "(": phone; the start of the local part before "@": e-mail; the start of the hex run before ":": IPv6;
    //   after ":" or "=" (spaces, a backslash, a quote skipped): keyed secrets; after "Bearer" and spaces: bearer tokens;
    //   the key prefixes (sk-, AKIA, ghp_, eyJ...): API keys and JWTs.
    private static int Starts(ReadOnlySpan<char> text, ref Span<int> starts, ref int[]? pooled, bool stopAtFirst)
    {
        var n = 0;
        var i = 0;
        while (!stopAtFirst || n == 0)
        {
            var found = text[i..].IndexOfAny(Triggers);
            if (found < 0)
            {
                break;
            }

            i += found;
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                if (i == 0 || !char.IsAsciiDigit(text[i - 1]))
                {
                    Add(i, ref starts, ref pooled, ref n);
                    if (i >= 2 && char.IsAsciiLetterUpper(text[i - 1]) && char.IsAsciiLetterUpper(text[i - 2]))
                    {
                        Add(i - 2, ref starts, ref pooled, ref n);
                    }
                    else if (i >= 3 && text[i - 1] == ' ' && char.IsAsciiLetterUpper(text[i - 2]) && char.IsAsciiLetterUpper(text[i - 3]))
                    {
                        Add(i - 3, ref starts, ref pooled, ref n);
                    }
                }

                // The rest of the digit run cannot begin anything.
                i++;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                continue;
            }

            switch (c)
            {
                case '@':
                    var local = i;
                    while (local > 0 && EmailLocal.Contains(text[local - 1]))
                    {
                        local--;
                    }

                    if (local < i)
                    {
                        Add(local, ref starts, ref pooled, ref n);
                    }

                    break;

                case ':':
                    // An IPv6 address has a second colon at most four hex digits on.
                    var hex = i;
                    while (hex > 0 && i - hex < 5 && char.IsAsciiHexDigit(text[hex - 1]))
                    {
                        hex--;
                    }

                    if (i - hex <= 4 && text[(i + 1)..].IndexOfAnyExcept(HexDigits) is var next && next is >= 0 and <= 4 && text[i + 1 + next] == ':')
                    {
                        Add(hex, ref starts, ref pooled, ref n);
                    }

                    AddValueStart(text, i, ref starts, ref pooled, ref n);
                    break;

                case '=':
                    AddValueStart(text, i, ref starts, ref pooled, ref n);
                    break;

                default: // '+' and '('
                    Add(i, ref starts, ref pooled, ref n);
                    break;
            }

            i++;
        }

        i = 0;
        while (!stopAtFirst || n == 0)
        {
            var found = text[i..].IndexOfAny(KeyPrefixes);
            if (found < 0)
            {
                break;
            }

            i += found;
            if (text[i..].StartsWith("earer", StringComparison.Ordinal))
            {
                var token = i + 5;
                if (token < text.Length && char.IsWhiteSpace(text[token]))
                {
                    while (token < text.Length && char.IsWhiteSpace(text[token]))
                    {
                        token++;
                    }

                    Add(token, ref starts, ref pooled, ref n);
                }
            }
            else
            {
                Add(i, ref starts, ref pooled, ref n);
            }

            i++;
        }

        return n;
    }

    // A keyed secret's value begins after the separator, spaces, an optional backslash and an optional quote; and
    // before the separator (spaces, an optional quote and an optional backslash back) a key name ends.
    private static void AddValueStart(ReadOnlySpan<char> text, int separator, ref Span<int> starts, ref int[]? pooled, ref int n)
    {
        var end = separator;
        while (end > 0 && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end > 0 && text[end - 1] is '"' or '\'')
        {
            end--;
        }

        if (end > 0 && text[end - 1] == '\\')
        {
            end--;
        }

        var key = text[..end];
        if (!(key.EndsWith("key", StringComparison.OrdinalIgnoreCase) || key.EndsWith("secret", StringComparison.OrdinalIgnoreCase)
            || key.EndsWith("token", StringComparison.OrdinalIgnoreCase) || key.EndsWith("password", StringComparison.OrdinalIgnoreCase)
            || key.EndsWith("passwd", StringComparison.OrdinalIgnoreCase) || key.EndsWith("pwd", StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        var i = separator + 1;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        if (i < text.Length && text[i] == '\\')
        {
            i++;
        }

        if (i < text.Length && text[i] is '"' or '\'')
        {
            i++;
        }

        if (i < text.Length)
        {
            Add(i, ref starts, ref pooled, ref n);
        }
    }

    private static void Add(int start, ref Span<int> starts, ref int[]? pooled, ref int n)
    {
        if (n == starts.Length)
        {
            var larger = ArrayPool<int>.Shared.Rent(starts.Length * 2);
            starts.CopyTo(larger);
            if (pooled is not null)
            {
                ArrayPool<int>.Shared.Return(pooled);
            }

            pooled = larger;
            starts = larger;
        }

        starts[n++] = start;
    }

    private string? Validate(Kind kind, ReadOnlySpan<char> value) => kind switch
    {
        Kind.Secret => _options.Secrets ? "secret" : null,
        Kind.Email => _options.Emails ? "email" : null,
        Kind.Iban => _options.Ibans && IsIban(value) ? "iban" : null,
        Kind.Card => _options.CardNumbers && IsCardNumber(value) ? "card" : null,
        Kind.Ssn or Kind.Nino => _options.NationalIds ? "national_id" : null,
        Kind.Ipv6 => _options.IpAddresses && IsIpv6(value) ? "ip" : null,
        Kind.Ipv4 => _options.IpAddresses ? "ip" : null,
        Kind.Phone => _options.PhoneNumbers && IsPhoneNumber(value) ? "phone" : null,
        _ => null,
    };

    private static string Replace(string text, List<Match> matches)
    {
        var builder = new StringBuilder(text.Length);
        var position = 0;
        foreach (var m in matches)
        {
            builder.Append(text, position, m.Start - position).Append("[REDACTED:").Append(m.Kind).Append(']');
            position = m.Start + m.Length;
        }

        return builder.Append(text, position, text.Length - position).ToString();
    }

    internal static bool IsCardNumber(ReadOnlySpan<char> candidate)
    {
        Span<int> digits = stackalloc int[19];
        var n = 0;
        foreach (var c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                if (n == 19)
                {
                    return false;
                }

                digits[n++] = c - '0';
            }
        }

        if (n < 13)
        {
            return false;
        }

        // A scheme's leading digits: Visa 4, Mastercard 51-55 and 2221-2720, Amex 34/37, Discover 6011/644-649/65,
        // JCB 35, Diners 30/36/38, UnionPay 62. Random Luhn-valid numbers mostly start otherwise.
        var prefix2 = digits[0] * 10 + digits[1];
        var prefix4 = prefix2 * 100 + digits[2] * 10 + digits[3];
        var scheme = digits[0] == 4
            || prefix2 is >= 51 and <= 55 or 34 or 37 or 35 or 30 or 36 or 38 or 62 or 65
            || prefix4 is >= 2221 and <= 2720 or 6011 or >= 6440 and <= 6499;
        if (!scheme)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < n; i++)
        {
            var d = digits[n - 1 - i];
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    internal static bool IsIban(ReadOnlySpan<char> candidate)
    {
        Span<char> compact = stackalloc char[40];
        var n = 0;
        foreach (var c in candidate)
        {
            if (c == ' ')
            {
                continue;
            }

            if (n == 34)
            {
                return false;
            }

            compact[n++] = char.ToUpperInvariant(c);
        }

        if (n < 15)
        {
            return false;
        }

        // ISO 13616: move the country code and check digits to the end, read letters as 10-35, and the number mod 97 is 1.
        var remainder = 0;
        for (var i = 0; i < n; i++)
        {
            var c = compact[(i + 4) % n];
            if (char.IsAsciiDigit(c))
            {
                remainder = (remainder * 10 + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }

        return remainder == 1;
    }

    private static bool IsIpv6(ReadOnlySpan<char> candidate) =>
        candidate.Count(':') is var colons && colons >= 2
        && (candidate.Contains("::", StringComparison.Ordinal) || colons == 7)
        && IPAddress.TryParse(candidate, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;

    // Phone numbers look like many other numbers (dates, amounts, ids), so only unambiguous shapes count:
    // international with "+", an area code in parentheses, or the national groupings of North America and Europe.
    internal static bool IsPhoneNumber(ReadOnlySpan<char> candidate)
    {
        Span<int> groups = stackalloc int[8];
        var groupCount = 0;
        var digits = 0;
        var run = 0;
        var firstDigit = -1;
        foreach (var c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                if (firstDigit < 0)
                {
                    firstDigit = c - '0';
                }

                digits++;
                run++;
            }
            else if (run > 0)
            {
                if (groupCount == groups.Length)
                {
                    return false;
                }

                groups[groupCount++] = run;
                run = 0;
            }
        }

        if (run > 0 && groupCount < groups.Length)
        {
            groups[groupCount++] = run;
        }

        if (digits is < 7 or > 15)
        {
            return false;
        }

        if (candidate[0] == '+' || candidate.Contains('('))
        {
            return digits >= 9;
        }

        var shape = groups[..groupCount];
        return digits switch
        {
            10 => shape.SequenceEqual([3, 3, 4]) && firstDigit >= 2,
            11 when firstDigit == 1 => shape.SequenceEqual([1, 3, 3, 4]),
            11 when firstDigit == 0 => shape.SequenceEqual([5, 6]) || shape.SequenceEqual([4, 3, 4]) || shape.SequenceEqual([3, 4, 4]) || shape.SequenceEqual([5, 3, 3]),
            _ => false,
        };
    }

    private readonly record struct Match(int Start, int Length, string Kind);

    private enum Kind
    {
        Secret,
        Email,
        Iban,
        Card,
        Ssn,
        Nino,
        Ipv6,
        Ipv4,
        Phone,
    }

    // In order of precedence: where two kinds match at one place, the first wins.
    private static readonly (Kind Kind, Regex Pattern)[] Kinds =
    [
        (Kind.Secret, SecretPattern()),
        (Kind.Email, EmailPattern()),
        (Kind.Iban, IbanPattern()),
        (Kind.Card, CardPattern()),
        (Kind.Ssn, SsnPattern()),
        (Kind.Nino, NinoPattern()),
        (Kind.Ipv6, Ipv6Pattern()),
        (Kind.Ipv4, Ipv4Pattern()),
        (Kind.Phone, PhonePattern()),
    ];

    private static readonly SearchValues<char> Triggers = SearchValues.Create("0123456789@:=+(");

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789ABCDEFabcdef");

    private static readonly SearchValues<char> EmailLocal = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-");

    private static readonly SearchValues<string> KeyPrefixes = SearchValues.Create(
        ["eyJ", "sk-", "sk_", "rk_", "pk_", "AKIA", "ASIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox", "AIza", "glpat-", "hf_", "earer"],
        StringComparison.Ordinal);

    // Each expression is anchored (\G) at a candidate start; the lookbehinds still see the text before it.
    private const RegexOptions Options = RegexOptions.IgnorePatternWhitespace | RegexOptions.ExplicitCapture | RegexOptions.CultureInvariant;

    [GeneratedRegex("""
        \G(?:
            eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}
          | (?<=\b[Bb]earer\s+)[A-Za-z0-9._~+/-]{16,}=*
          | (?<![A-Za-z0-9_-])(?:sk-(?:proj-|svcacct-|ant-(?:api|admin)\d\d-)?[A-Za-z0-9_-]{20,}|A[KS]IA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}|glpat-[0-9A-Za-z_-]{20,}|hf_[A-Za-z0-9]{30,})(?![A-Za-z0-9_-])
          | (?<=\b(?i:api[_-]?key|secret|token|password|passwd|pwd|access[_-]?key|client[_-]?secret)\\?["']?\s*[:=]\s*\\?["']?)[^\s"'\\,;]{8,}
        )
        """, Options, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SecretPattern();

    [GeneratedRegex(@"\G(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])", Options, matchTimeoutMilliseconds: 1000)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"\G(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:\ ?[A-Z0-9]{4}){2,7}(?:\ ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])", Options, matchTimeoutMilliseconds: 1000)]
    private static partial Regex IbanPattern();

    [GeneratedRegex(@"\G(?<![\d-])\d(?:[\ -]?\d){12,18}(?![\d-])", Options, matchTimeoutMilliseconds: 1000)]
    private static partial Regex CardPattern();

    [GeneratedRegex(@"\G(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])", Options, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SsnPattern();

    [GeneratedRegex(@"\G(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\ ?\d{2}\ ?\d{2}\ ?\d{2}\ ?[A-D](?![A-Za-z0-9])", Options, matchTimeoutMilliseconds: 1000)]
    private static partial Regex NinoPattern();

    [GeneratedRegex(@"\G(?<![0-9A-Fa-f:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Fa-f:])", Options, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Ipv6Pattern();

    [GeneratedRegex(@"\G(?<![\d.vV])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d]|\.\d)", Options, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Ipv4Pattern();

    [GeneratedRegex(@"\G(?<![\w+])(?:\+\d{1,3}[\ .-]?)?(?:\(\d{1,4}\)[\ .-]?)?\d{1,5}(?:[\ .-]\d{2,6}){1,4}(?!\w|[.-]\d)", Options, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PhonePattern();
}
