using System.Globalization;
using LlmObs.Redaction;
using Xunit;

namespace LlmObs.ServiceDefaults.Tests.Redaction;

/// <summary>
/// Recall on personal data and precision on strings that look like it (order numbers, dates, versions, hashes,
/// numbers that fail the checksums), over a generated corpus embedded in sentences.
/// </summary>
public sealed class PiiCorpusTests(ITestOutputHelper output)
{
    private static readonly string[] Templates = ["Contact me at {0} please.", "{0}", "the value was {0}, thanks", "Ref: {0}."];

    [Fact]
    public void The_redactor_finds_personal_data_and_leaves_look_alikes_alone()
    {
        var random = new Random(42);
        var pii = Pii(random).ToList();
        var lookAlikes = LookAlikes(random).ToList();
        Assert.True(pii.Count >= 200 && lookAlikes.Count >= 200, $"{pii.Count} PII, {lookAlikes.Count} look-alikes");

        var redactor = new PiiRedactor();
        var missed = new List<string>();
        var byKind = new Dictionary<string, (int Found, int Total)>();
        for (var i = 0; i < pii.Count; i++)
        {
            var (kind, value) = pii[i];
            var text = string.Format(CultureInfo.InvariantCulture, Templates[i % Templates.Length], value);
            var found = !redactor.RedactText(text, out _).Contains(value, StringComparison.Ordinal);
            var (f, t) = byKind.GetValueOrDefault(kind);
            byKind[kind] = (f + (found ? 1 : 0), t + 1);
            if (!found)
            {
                missed.Add($"{kind}: {value}");
            }
        }

        var falsePositives = new List<string>();
        for (var i = 0; i < lookAlikes.Count; i++)
        {
            var text = string.Format(CultureInfo.InvariantCulture, Templates[i % Templates.Length], lookAlikes[i]);
            var redacted = redactor.RedactText(text, out var count);
            if (count > 0)
            {
                falsePositives.Add($"{lookAlikes[i]} -> {redacted}");
            }
        }

        var truePositives = pii.Count - missed.Count;
        var recall = (double)truePositives / pii.Count;
        var precision = (double)truePositives / (truePositives + falsePositives.Count);
        output.WriteLine($"PII strings: {pii.Count}, look-alikes: {lookAlikes.Count}");
        output.WriteLine($"recall {recall:P1} ({truePositives}/{pii.Count}), precision {precision:P1} ({falsePositives.Count} false positives)");
        foreach (var (kind, (f, t)) in byKind.OrderBy(k => k.Key))
        {
            output.WriteLine($"  {kind,-12} {f}/{t}");
        }

        missed.ForEach(m => output.WriteLine("missed: " + m));
        falsePositives.ForEach(m => output.WriteLine("false positive: " + m));

        Assert.True(recall >= 0.95, $"recall {recall:P1}");
        Assert.True(precision >= 0.95, $"precision {precision:P1}");
    }

    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("4111 1111 1111 1112", false)] // Luhn fails
    [InlineData("378282246310005", true)] // Amex
    [InlineData("1234567812345670", false)] // Luhn holds, no card scheme starts with 1
    public void Card_numbers_need_the_luhn_check_and_a_scheme(string candidate, bool expected) =>
        Assert.Equal(expected, PiiRedactor.IsCardNumber(candidate));

    [Theory]
    [InlineData("GB82 WEST 1234 5698 7654 32", true)]
    [InlineData("DE89370400440532013000", true)]
    [InlineData("GB82 WEST 1234 5698 7654 33", false)]
    public void Ibans_need_the_mod_97_checksum(string candidate, bool expected) =>
        Assert.Equal(expected, PiiRedactor.IsIban(candidate));

    [Fact]
    public void Custom_patterns_are_redacted_under_their_name()
    {
        var redactor = new PiiRedactor(new LlmRedactionOptions { CustomPatterns = { ["employee_id"] = @"\bEMP-\d{6}\b" } });
        Assert.Equal("ask [REDACTED:employee_id] now", redactor.RedactText("ask EMP-123456 now", out var count));
        Assert.Equal(1, count);
    }

    [Fact]
    public void Kinds_can_be_turned_off()
    {
        var redactor = new PiiRedactor(new LlmRedactionOptions { Emails = false });
        Assert.Equal("mail a@example.com", redactor.RedactText("mail a@example.com", out _));
    }

    [Fact]
    public void Json_content_stays_valid_json_and_numbers_are_checked_too()
    {
        var redactor = new PiiRedactor();
        var json = """{"to":"line1\nbob@example.com","card":4111111111111111,"n":3}""";
        var redacted = redactor.RedactContent(json, out var count);
        Assert.Equal(2, count);
        using var document = System.Text.Json.JsonDocument.Parse(redacted);
        Assert.Equal("line1\n[REDACTED:email]", document.RootElement.GetProperty("to").GetString());
        Assert.Equal("[REDACTED:card]", document.RootElement.GetProperty("card").GetString());
        Assert.Equal(3, document.RootElement.GetProperty("n").GetInt32());
    }

    private static IEnumerable<(string Kind, string Value)> Pii(Random random)
    {
        string[] names = ["jane.doe", "j.smith", "alice+news", "bob_99", "maria-garcia", "li.wei", "o'neil".Replace("'", "", StringComparison.Ordinal), "x", "first.last.name", "support"];
        string[] domains = ["example.com", "mail.example.co.uk", "contoso.org", "fabrikam.io", "uni-bonn.de", "sub.domain.example.travel"];
        for (var i = 0; i < 30; i++)
        {
            yield return ("email", $"{names[i % names.Length]}{(i >= names.Length ? i.ToString(CultureInfo.InvariantCulture) : "")}@{domains[i % domains.Length]}");
        }

        for (var i = 0; i < 30; i++)
        {
            var a = random.Next(200, 999); var b = random.Next(200, 999); var c = random.Next(1000, 9999);
            yield return ("phone", (i % 6) switch
            {
                0 => $"({a}) {b}-{c}",
                1 => $"{a}-{b}-{c}",
                2 => $"+1 {a} {b} {c}",
                3 => $"+44 20 {random.Next(1000, 9999)} {random.Next(1000, 9999)}",
                4 => $"+49 30 {random.Next(100000, 999999)}",
                _ => $"{a}.{b}.{c}",
            });
        }

        string[] prefixes = ["4", "51", "55", "2221", "34", "37", "6011", "65", "35"];
        for (var i = 0; i < 30; i++)
        {
            var prefix = prefixes[i % prefixes.Length];
            var length = prefix is "34" or "37" ? 15 : 16;
            var number = WithLuhn(prefix + Digits(random, length - prefix.Length - 1));
            yield return ("card", (i % 3) switch
            {
                0 => number,
                1 => string.Join(' ', Chunk(number, 4)),
                _ => string.Join('-', Chunk(number, 4)),
            });
        }

        (string Country, int Length)[] countries = [("DE", 22), ("GB", 22), ("FR", 27), ("NL", 18), ("ES", 24)];
        for (var i = 0; i < 25; i++)
        {
            var (country, length) = countries[i % countries.Length];
            var bban = country is "GB" or "NL" ? Letters(random, 4) + Digits(random, length - 8) : Digits(random, length - 4);
            var iban = WithIbanCheck(country, bban);
            yield return ("iban", i % 2 == 0 ? iban : string.Join(' ', Chunk(iban, 4)));
        }

        for (var i = 0; i < 25; i++)
        {
            yield return ("ssn", $"{random.Next(1, 665):D3}-{random.Next(1, 99):D2}-{random.Next(1, 9999):D4}");
        }

        for (var i = 0; i < 10; i++)
        {
            yield return ("nino", $"{"ABCEHJKLMNPRSTWXY"[random.Next(17)]}{"ABCEHJKLMNPRSTWXY"[random.Next(17)]} {random.Next(10, 99)} {random.Next(10, 99)} {random.Next(10, 99)} {"ABCD"[random.Next(4)]}");
        }

        for (var i = 0; i < 20; i++)
        {
            yield return ("ipv4", $"{random.Next(1, 255)}.{random.Next(0, 255)}.{random.Next(0, 255)}.{random.Next(1, 255)}");
        }

        for (var i = 0; i < 12; i++)
        {
            yield return ("ipv6", i % 2 == 0
                ? $"2001:db8:{random.Next(0, 0xffff):x}:{random.Next(0, 0xffff):x}::{random.Next(1, 0xffff):x}"
                : $"fe80:0:0:0:{random.Next(0, 0xffff):x}:{random.Next(0, 0xffff):x}:{random.Next(0, 0xffff):x}:{random.Next(1, 0xffff):x}");
        }

        for (var i = 0; i < 24; i++)
        {
            yield return ("secret", (i % 8) switch
            {
                0 => "sk-proj-" + Alnum(random, 40),
                1 => "sk-ant-api03-" + Alnum(random, 60),
                2 => "AKIA" + Letters(random, 16),
                3 => "ghp_" + Alnum(random, 36),
                4 => "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI" + Alnum(random, 20) + "." + Alnum(random, 30),
                5 => "xoxb-" + Digits(random, 12) + "-" + Alnum(random, 24),
                6 => "sk_live_" + Alnum(random, 24),
                _ => "AIza" + Alnum(random, 35),
            });
        }
    }

    private static IEnumerable<string> LookAlikes(Random random)
    {
        for (var i = 0; i < 25; i++)
        {
            var number = WithLuhn("4" + Digits(random, 14));
            var broken = number[..^1] + (char)('0' + ((number[^1] - '0' + 1) % 10)); // Luhn fails
            yield return i % 2 == 0 ? broken : string.Join(' ', Chunk(broken, 4));
        }

        for (var i = 0; i < 15; i++)
        {
            var iban = WithIbanCheck("DE", Digits(random, 18));
            yield return iban[..2] + ((iban[2] - '0' + 1) % 10).ToString(CultureInfo.InvariantCulture) + iban[3..]; // checksum off
        }

        for (var i = 0; i < 15; i++)
        {
            yield return (i % 3) switch
            {
                0 => $"000-{random.Next(10, 99)}-{random.Next(1000, 9999)}",
                1 => $"666-{random.Next(10, 99)}-{random.Next(1000, 9999)}",
                _ => $"9{random.Next(10, 99)}-{random.Next(10, 99)}-{random.Next(1000, 9999)}",
            };
        }

        for (var i = 0; i < 20; i++)
        {
            var date = new DateTime(2020, 1, 1).AddDays(random.Next(0, 2000));
            yield return (i % 4) switch
            {
                0 => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                1 => date.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                2 => date.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture),
                _ => date.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture),
            };
        }

        for (var i = 0; i < 20; i++)
        {
            yield return (i % 4) switch
            {
                0 => $"{random.Next(1, 20)}.{random.Next(0, 20)}.{random.Next(0, 500)}",
                1 => $"v{random.Next(1, 9)}.{random.Next(0, 9)}.{random.Next(0, 9)}.{random.Next(0, 9)}",
                2 => $"gpt-4o-{new DateTime(2024, 1, 1).AddDays(random.Next(300)):yyyy-MM-dd}",
                _ => $"claude-3-5-sonnet-{new DateTime(2024, 1, 1).AddDays(random.Next(300)):yyyyMMdd}",
            };
        }

        for (var i = 0; i < 20; i++)
        {
            yield return (i % 4) switch
            {
                0 => new Guid(Hex(random, 32)).ToString(),
                1 => Hex(random, 40),
                2 => Hex(random, 64),
                _ => $"ORD-{random.Next(2020, 2026)}-{random.Next(0, 999999):D6}",
            };
        }

        for (var i = 0; i < 20; i++)
        {
            yield return (i % 5) switch
            {
                0 => $"${random.Next(1, 999)},{random.Next(100, 999)}.{random.Next(10, 99)}",
                1 => $"{random.Next(0, 23):D2}:{random.Next(0, 59):D2}:{random.Next(0, 59):D2}",
                2 => $"{random.Next(10000, 99999)}",
                3 => $"978-{random.Next(0, 9)}-{random.Next(10, 99)}-{random.Next(100000, 999999)}-{random.Next(0, 9)}",
                _ => $"{random.Next(1, 99)} of {random.Next(100, 999)}",
            };
        }

        for (var i = 0; i < 20; i++)
        {
            yield return (i % 5) switch
            {
                0 => "user@localhost",
                1 => "@jane_doe",
                2 => "jane at example dot com",
                3 => "name@",
                _ => "docs/README@v2",
            };
        }

        for (var i = 0; i < 20; i++)
        {
            yield return (i % 5) switch
            {
                0 => "sk-learn",
                1 => "task-token-list",
                2 => "Bearer of bad news",
                3 => "eyJ is how base64 JSON starts",
                _ => "AKIA is an AWS prefix",
            };
        }

        for (var i = 0; i < 15; i++)
        {
            yield return (i % 3) switch
            {
                0 => $"{random.Next(256, 999)}.{random.Next(0, 255)}.{random.Next(0, 255)}.{random.Next(0, 255)}",
                1 => $"ratio {random.Next(1, 9)}:{random.Next(1, 9)}:{random.Next(1, 9)}",
                _ => $"{random.Next(1, 9)}.{random.Next(0, 9)}",
            };
        }

        for (var i = 0; i < 15; i++)
        {
            yield return (i % 3) switch
            {
                0 => $"{random.Next(100, 999)}-{random.Next(10, 99)}",
                1 => $"{random.Next(1000, 9999)} {random.Next(1000, 9999)}",
                _ => $"room {random.Next(100, 999)}, floor {random.Next(1, 30)}",
            };
        }
    }

    private static string Digits(Random random, int count) => string.Concat(Enumerable.Range(0, count).Select(_ => (char)('0' + random.Next(10))));

    private static string Letters(Random random, int count) => string.Concat(Enumerable.Range(0, count).Select(_ => (char)('A' + random.Next(26))));

    private static string Hex(Random random, int count) => string.Concat(Enumerable.Range(0, count).Select(_ => "0123456789abcdef"[random.Next(16)]));

    private static string Alnum(Random random, int count) =>
        string.Concat(Enumerable.Range(0, count).Select(_ => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[random.Next(62)]));

    private static IEnumerable<string> Chunk(string text, int size) => text.Chunk(size).Select(c => new string(c));

    private static string WithLuhn(string partial)
    {
        for (var check = 0; check < 10; check++)
        {
            var candidate = partial + check.ToString(CultureInfo.InvariantCulture);
            if (PiiRedactor.IsCardNumber(candidate) || LuhnOnly(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException();
    }

    private static bool LuhnOnly(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    private static string WithIbanCheck(string country, string bban)
    {
        for (var check = 2; check < 99; check++)
        {
            var candidate = $"{country}{check:D2}{bban}";
            if (PiiRedactor.IsIban(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException();
    }
}
