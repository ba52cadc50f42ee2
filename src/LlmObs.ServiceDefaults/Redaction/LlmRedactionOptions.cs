namespace LlmObs.Redaction;

/// <summary>
/// Which kinds of personal data <see cref="PiiRedactor"/> replaces in content. Everything is on by default.
/// Bound from the <c>LlmObs:Redaction</c> configuration section by <c>AddLlmObservabilityDefaults()</c>.
/// </summary>
public sealed class LlmRedactionOptions
{
    /// <summary>E-mail addresses.</summary>
    public bool Emails { get; set; } = true;

    /// <summary>Phone numbers: international (+44 20 7946 0958) and North American / European national formats.</summary>
    public bool PhoneNumbers { get; set; } = true;

    /// <summary>Payment card numbers of 13 to 19 digits that pass the Luhn check and start like a card scheme.</summary>
    public bool CardNumbers { get; set; } = true;

    /// <summary>IBANs whose mod-97 checksum holds.</summary>
    public bool Ibans { get; set; } = true;

    /// <summary>National ids: US social security numbers and UK national insurance numbers.</summary>
    public bool NationalIds { get; set; } = true;

    /// <summary>IPv4 and IPv6 addresses.</summary>
    public bool IpAddresses { get; set; } = true;

    /// <summary>API keys of well-known providers, bearer tokens, JWTs and <c>password=…</c> / <c>api_key: …</c> values.</summary>
    public bool Secrets { get; set; } = true;

    /// <summary>
    /// Your own patterns, by name: <c>["employee_id"] = @"\bEMP-\d{6}\b"</c>. A match is replaced by <c>[REDACTED:employee_id]</c>.
    /// </summary>
    public IDictionary<string, string> CustomPatterns { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
