using LlmObs.Redaction;

namespace LlmObs.Server.Redaction;

/// <summary>
/// What the server does to span content before it stores or forwards it, bound from <c>LlmObs:Redaction</c>: the
/// section the services read their <see cref="LlmRedactionOptions"/> from, so one configuration names the same kinds
/// and custom patterns for both. The kinds and patterns are read from that section too.
/// </summary>
public sealed class IngestRedactionOptions
{
    /// <summary>
    /// <see cref="ContentMode.Raw"/> (the default) stores and forwards content as received;
    /// <see cref="ContentMode.Redacted"/> replaces personal data in it and hashes raw user ids, as the services'
    /// redaction does; <see cref="ContentMode.Off"/> removes prompts, completions, tool arguments and results,
    /// queries and document text altogether (and hashes raw user ids).
    /// </summary>
    /// <remarks>
    /// Raw by default because the services already redact (in Development) or send no content (elsewhere): a second
    /// pass would cost every span a scan and would rewrite content a service was deliberately told to send raw.
    /// Turn it on for senders the service-side redaction does not cover (Python, JavaScript, a collector).
    /// </remarks>
    public ContentMode Mode { get; set; } = ContentMode.Raw;
}
