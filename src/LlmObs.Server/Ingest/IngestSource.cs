namespace LlmObs.Server.Ingest;

/// <summary>What the transport knows about an export beyond its body: the project a header named, if any.</summary>
internal sealed record IngestSource(string? ProjectHeader = null)
{
    public static readonly IngestSource None = new();
}
