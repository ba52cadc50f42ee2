using System.Text.Json;
using LlmObs.Redaction;
using Xunit;

namespace LlmObs.ServiceDefaults.Tests.Redaction;

/// <summary>The redactor's scan: what it skips, what it costs, and JSON whose escapes hide a candidate in the raw text.</summary>
public sealed class RedactionFastPathTests
{
    private static readonly string Handbook = string.Join(' ', Enumerable.Repeat("The refund policy allows returns within thirty days of delivery for unused items.", 24));

    [Fact]
    public void Text_without_candidates_comes_back_as_it_is_without_allocating()
    {
        var redactor = new PiiRedactor();
        var json = JsonSerializer.Serialize(new[] { new { role = "user", content = Handbook } });
        for (var i = 0; i < 3; i++)
        {
            redactor.RedactContent(Handbook, out _);
            redactor.RedactContent(json, out _);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var text = redactor.RedactContent(Handbook, out var textCount);
        var content = redactor.RedactContent(json, out var jsonCount);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Same(Handbook, text);
        Assert.Same(json, content);
        Assert.Equal(0, textCount + jsonCount);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Json_escapes_do_not_hide_personal_data()
    {
        // The default encoder writes "+" and quotes as \u002B and \u0022: the raw text then holds no phone number.
        var redactor = new PiiRedactor();
        var json = JsonSerializer.Serialize(new { text = "call +44 20 7946 0958", args = "password=\"hunter2hunter2\"" });
        Assert.Contains("\\u002B44", json, StringComparison.Ordinal);

        var redacted = redactor.RedactContent(json, out var count);

        Assert.Equal(2, count);
        using var document = JsonDocument.Parse(redacted);
        Assert.Equal("call [REDACTED:phone]", document.RootElement.GetProperty("text").GetString());
        Assert.Equal("password=\"[REDACTED:secret]\"", document.RootElement.GetProperty("args").GetString());
    }

    [Fact]
    public void Every_kind_is_found_among_look_alikes_in_one_text()
    {
        var redactor = new PiiRedactor();
        var text = "Order ORD-2024-123456 of 2024-01-15 (v1.2.3.4): mail jane.doe@example.com, call +44 20 7946 0958, "
            + "card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32, SSN 123-45-6789, NI AB 12 34 56 C, "
            + "host 192.168.1.1 or 2001:db8::1, key sk-proj-abcdefghijklmnopqrstuvwxyz0123456789, Bearer abcdefghijklmnopqrstuvwxyz end.";

        var redacted = redactor.RedactText(text, out var count);

        Assert.Equal(
            "Order ORD-2024-123456 of 2024-01-15 (v1.2.3.4): mail [REDACTED:email], call [REDACTED:phone], "
            + "card [REDACTED:card], IBAN [REDACTED:iban], SSN [REDACTED:national_id], NI [REDACTED:national_id], "
            + "host [REDACTED:ip] or [REDACTED:ip], key [REDACTED:secret], Bearer [REDACTED:secret] end.",
            redacted);
        Assert.Equal(10, count);
    }
}
