using LlmObs.Server.Ingest;

namespace LlmObs.Server.Normalization;

/// <summary>
/// The view while conventions fill it. Conventions run most specific first and each only fills what is still
/// empty (<c>??=</c>), so a span that carries two conventions keeps the more specific one's reading.
/// </summary>
internal sealed class LlmViewDraft
{
    public string? Convention;
    public string? Kind;
    public string? Operation;
    public string? Provider;
    public string? Model;
    public long? InputTokens;
    public long? OutputTokens;
    public long? CacheReadTokens;
    public long? CacheWriteTokens;
    public long? ReasoningTokens;
    public double? CostTotal;
    public double? CostInput;
    public double? CostCachedInput;
    public double? CostCacheWrite;
    public double? CostOutput;
    public double? CostReasoning;
    public string? CostSource;
    public string? CostCatalog;
    public double? TimeToFirstTokenMs;
    public string? Feature;
    public string? User;
    public string? Session;
    public string? Input;
    public string? Output;
    public List<RetrievedDocumentView>? Documents;
    public LlmToolCall? Tool;
    public bool Failed;

    public bool HasTokens => InputTokens is not null || OutputTokens is not null;

    public LlmView ToView() => new()
    {
        SpanKind = Kind,
        Operation = Operation,
        Provider = Provider,
        Model = Model,
        InputTokens = NonNegative(InputTokens),
        OutputTokens = NonNegative(OutputTokens),
        CacheReadTokens = NonNegative(CacheReadTokens),
        CacheWriteTokens = NonNegative(CacheWriteTokens),
        ReasoningTokens = NonNegative(ReasoningTokens),
        CostUsd = CostTotal,
        CostSource = CostTotal is null ? null : CostSource,
        Feature = Feature,
        Convention = Convention,
        Cost = CostInput is null && CostCachedInput is null && CostCacheWrite is null && CostOutput is null && CostReasoning is null
            ? null
            : new LlmCostBreakdown(CostInput, CostCachedInput, CostCacheWrite, CostOutput, CostReasoning, CostCatalog),
        TimeToFirstTokenMs = TimeToFirstTokenMs is >= 0 ? TimeToFirstTokenMs : null,
        User = User,
        Session = Session,
        Input = Input,
        Output = Output,
        Documents = Documents is { Count: > 0 } ? Documents : null,
        Tool = Tool,
        Status = Failed ? "error" : "ok",
    };

    // A negative count is a sender's bug; carrying it would turn into a negative cost.
    private static long? NonNegative(long? value) => value is < 0 ? null : value;
}
