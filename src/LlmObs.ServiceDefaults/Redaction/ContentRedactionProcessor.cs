using System.Diagnostics;
using LlmObs.Context;
using LlmObs.Semantics;
using LlmObs.Tracing;
using OpenTelemetry;

namespace LlmObs.Redaction;

/// <summary>
/// Redacts the content attributes of LlmObs spans as they end, before exporters see them: prompts, completions and
/// system instructions of chat spans, and arguments and results of tool spans. Microsoft.Extensions.AI writes those
/// raw and all-or-nothing; this is where LlmObs's <see cref="ContentMode"/> is applied to them.
/// Also puts the request's feature and user on tool spans as they start.
/// </summary>
/// <remarks>
/// Added by <c>AddLlmObservabilityInstrumentation()</c>, which must come before the exporters on the tracer provider:
/// processors run in the order they were added.
/// </remarks>
internal sealed class ContentRedactionProcessor : BaseProcessor<Activity>
{
    /// <summary>The custom property through which a pipeline hands its policy to the processor.</summary>
    internal const string PolicyProperty = "llmobs.content_policy";

    private static readonly string[] ContentAttributes =
    [
        GenAiAttributes.InputMessages,
        GenAiAttributes.OutputMessages,
        GenAiAttributes.SystemInstructions,
        GenAiAttributes.ToolCallArguments,
        GenAiAttributes.ToolCallResult,
    ];

    private static int _active;
    // Microsoft.Extensions.AI's clients capture content by default when this variable says so.
    private static volatile bool _contentCaptured = string.Equals(
        Environment.GetEnvironmentVariable("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"), "true", StringComparison.OrdinalIgnoreCase);
    private int _shutdown;

    public ContentRedactionProcessor() => Interlocked.Increment(ref _active);

    /// <summary>
    /// Whether some tracer provider redacts LlmObs spans. Without one, pipelines ask Microsoft.Extensions.AI for no
    /// content at all rather than export it unredacted.
    /// </summary>
    public static bool IsActive => Volatile.Read(ref _active) > 0;

    /// <summary>
    /// Noted by a pipeline the first time it asks Microsoft.Extensions.AI for content. Content reaches an LlmObs span
    /// only that way, so until then no span needs its tags searched for it (most processes run with content off).
    /// </summary>
    public static void ContentCaptured() => _contentCaptured = true;

    public override void OnStart(Activity data)
    {
        if (data.Source.Name == LlmObsTelemetry.SourceName && data.IsAllDataRequested
            && data.OperationName.StartsWith(GenAiAttributes.Operations.ExecuteTool, StringComparison.Ordinal))
        {
            if (LlmObsContext.Feature is { } feature)
            {
                data.SetTag(LlmObsAttributes.Feature, feature);
            }

            if (LlmObsContext.UserHash is { } user)
            {
                data.SetTag(LlmObsAttributes.UserHash, user);
            }
        }
    }

    public override void OnEnd(Activity data)
    {
        if (!_contentCaptured || data.Source.Name != LlmObsTelemetry.SourceName || !data.IsAllDataRequested || !HasContent(data))
        {
            return;
        }

        // A chat span carries its pipeline's policy; a tool span finds it on the orchestrating parent its chat spans marked.
        var policy = data.GetCustomProperty(PolicyProperty) as ContentPolicy
            ?? data.Parent?.GetCustomProperty(PolicyProperty) as ContentPolicy
            ?? ContentPolicy.Default;
        if (policy.Mode == ContentMode.Raw)
        {
            return;
        }

        var total = 0;
        foreach (var name in ContentAttributes)
        {
            if (data.GetTagItem(name) is string value)
            {
                var redacted = policy.Apply(value, out var count);
                if (!ReferenceEquals(redacted, value))
                {
                    data.SetTag(name, redacted);
                }

                total += count;
            }
        }

        if (total > 0)
        {
            data.SetTag(LlmObsAttributes.RedactedCount, total);
        }
    }

    // One pass over the tags, without allocating, decides for the many spans that carry no content: looking each
    // content attribute up by name would scan the tags five times on every span. Most keys are told apart by their
    // length and the character after "gen_ai." before any comparison: the prefixes are gen_ai.input.,
    // gen_ai.output., gen_ai.system_ and gen_ai.tool.call., and every content attribute name is longer than 16.
    private static bool HasContent(Activity data)
    {
        foreach (ref readonly var tag in data.EnumerateTagObjects())
        {
            var key = tag.Key;
            if (key.Length > 16 && key[6] == '.' && key[7] is 'i' or 'o' or 's' or 't' && IsContentKey(key))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsContentKey(string key) =>
        key.StartsWith("gen_ai.", StringComparison.Ordinal)
        && (key.StartsWith("gen_ai.input.", StringComparison.Ordinal) || key.StartsWith("gen_ai.output.", StringComparison.Ordinal)
            || key.StartsWith("gen_ai.system_", StringComparison.Ordinal) || key.StartsWith("gen_ai.tool.call.", StringComparison.Ordinal));

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        Release();
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        Release();
        base.Dispose(disposing);
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _shutdown, 1) == 0)
        {
            Interlocked.Decrement(ref _active);
        }
    }
}
