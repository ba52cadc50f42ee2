namespace LlmObs.Redaction;

/// <summary>
/// How content is captured, redacted and how user ids are hashed: the process-wide <see cref="Default"/>
/// (set from configuration by <c>AddLlmObservabilityDefaults()</c>), or a pipeline's own from its options.
/// </summary>
internal sealed class ContentPolicy(ContentMode mode, PiiRedactor redactor, UserIdRedactor userIds)
{
    private static ContentPolicy? _default;

    /// <summary>The policy of code that has no pipeline options of its own: retrieval and rerank spans, tool spans, <c>LlmObsContext</c>.</summary>
    public static ContentPolicy Default
    {
        get => Volatile.Read(ref _default) ?? Interlocked.CompareExchange(ref _default, FromEnvironment(), null) ?? _default!;
        set => Volatile.Write(ref _default, value);
    }

    public ContentMode Mode { get; } = mode;

    public PiiRedactor Redactor { get; } = redactor;

    public UserIdRedactor UserIds { get; } = userIds;

    /// <summary>Redacts a content value as the mode says: null when content is off.</summary>
    public string? Apply(string? content, out int count)
    {
        count = 0;
        return content is null ? null : Mode switch
        {
            ContentMode.Raw => content,
            ContentMode.Redacted => Redactor.RedactContent(content, out count),
            _ => null,
        };
    }

    /// <summary>Content in Development, none elsewhere, as the hosting environment variables say when no host told us.</summary>
    public static ContentMode DefaultMode(bool isDevelopment) => isDevelopment ? ContentMode.Redacted : ContentMode.Off;

    public static UserIdRedactor UserIdRedactorFor(string? key) =>
        string.IsNullOrEmpty(key) ? UserIdRedactor.WithRandomKey() : new UserIdRedactor(key);

    private static ContentPolicy FromEnvironment()
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT");
        var key = Environment.GetEnvironmentVariable("LlmObs__UserIdHashKey");
        return new ContentPolicy(
            DefaultMode(string.Equals(environment, "Development", StringComparison.OrdinalIgnoreCase)),
            new PiiRedactor(),
            UserIdRedactorFor(key));
    }
}
