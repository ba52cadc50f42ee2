namespace LlmObs.Redaction;

/// <summary>What of prompts, completions, tool arguments and results and retrieval queries reaches the spans.</summary>
public enum ContentMode
{
    /// <summary>No content: tokens, cost and timings only. The default outside Development.</summary>
    Off,

    /// <summary>Content with personal data (e-mail, phone, card, IBAN, national ids, IPs, secrets, your patterns) replaced. The default in Development.</summary>
    Redacted,

    /// <summary>Content as sent and received. Only for data you may store as it is.</summary>
    Raw,
}
