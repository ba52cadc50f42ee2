namespace Aspire.Hosting.ApplicationModel;

/// <summary>What the services record of prompts and completions on their spans.</summary>
public enum LlmObsContentMode
{
    /// <summary>No content: tokens, cost and timing only.</summary>
    Off,

    /// <summary>Content with personal data (e-mail, phone, cards, IBANs, ids, IPs, keys and tokens) replaced.</summary>
    Redacted,

    /// <summary>Content as sent and received.</summary>
    Raw,
}
