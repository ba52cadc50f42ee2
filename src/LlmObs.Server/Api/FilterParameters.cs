using System.ComponentModel;
using LlmObs.Server.Query;

namespace LlmObs.Server.Api;

/// <summary>The query-string filters every list and aggregate accepts; they combine.</summary>
internal sealed class FilterParameters
{
    [Description("Only spans that started at or after this time (ISO 8601; UTC when no offset is given).")]
    public DateTimeOffset? From { get; init; }

    [Description("Only spans that started before this time.")]
    public DateTimeOffset? To { get; init; }

    [Description("Service name (a trace matches when any of its spans is from it).")]
    public string? Service { get; init; }

    [Description("Project (the store's project column, or the llmobs.project / openinference.project.name resource attribute).")]
    public string? Project { get; init; }

    [Description("Product feature (llmobs.feature).")]
    public string? Feature { get; init; }

    [Description("User id as recorded (user.id / enduser.id; hashed when the service hashes it).")]
    public string? User { get; init; }

    [Description("Session (conversation, thread) id: session.id, langfuse.session.id, gen_ai.conversation.id and the other conventions' keys. A call matches when any span of its trace records it.")]
    public string? Session { get; init; }

    [Description("Model that answered.")]
    public string? Model { get; init; }

    [Description("Provider (gen_ai.provider.name).")]
    public string? Provider { get; init; }

    [Description("ok or error.")]
    public string? Status { get; init; }

    [Description("Minimum cost in USD: of the call, or of the whole trace.")]
    public double? MinCost { get; init; }

    [Description("Minimum duration in milliseconds: of the call, or of the whole trace.")]
    public double? MinLatencyMs { get; init; }

    [Description("Text to find, ignoring case, in prompts, completions and other attributes.")]
    public string? Q { get; init; }

    /// <summary>The filter, or the reason the parameters make none.</summary>
    public (SpanFilter? Filter, string? Error) ToFilter()
    {
        StatusFilter? status = null;
        if (!string.IsNullOrWhiteSpace(Status))
        {
            if (!Enum.TryParse<StatusFilter>(Status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return (null, "status is ok or error.");
            }

            status = parsed;
        }

        if (From is { } from && To is { } to && to <= from)
        {
            return (null, "to must be later than from.");
        }

        if (MinCost < 0 || MinLatencyMs < 0)
        {
            return (null, "minCost and minLatencyMs cannot be negative.");
        }

        return (new SpanFilter
        {
            From = From?.UtcDateTime,
            To = To?.UtcDateTime,
            Service = Blank(Service),
            Project = Blank(Project),
            Feature = Blank(Feature),
            User = Blank(User),
            Session = Blank(Session),
            Model = Blank(Model),
            Provider = Blank(Provider),
            Status = status,
            MinCostUsd = MinCost,
            MinLatencyMs = MinLatencyMs,
            Text = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(),
        }, null);
    }

    // An empty select in a form sends "service=": that means no filter, not the empty service name.
    internal static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
