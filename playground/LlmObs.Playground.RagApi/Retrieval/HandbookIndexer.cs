using System.Diagnostics;
using LlmObs.Playground.RagApi.Documents;
using Microsoft.Extensions.AI;

namespace LlmObs.Playground.RagApi.Retrieval;

/// <summary>
/// Embeds the handbook once at startup, in the background so the app starts listening at once and the work
/// shows up as one <c>index handbook</c> trace instead of a span in whichever request came first.
/// </summary>
internal sealed partial class HandbookIndexer(
    DocumentIndex index,
    [FromKeyedServices(HandbookIndexer.EmbeddingServiceKey)] IEmbeddingGenerator<string, Embedding<float>> embeddings,
    ILogger<HandbookIndexer> logger) : BackgroundService
{
    /// <summary>The key of the embedding pipeline used for indexing, traced under its own feature so its cost is not billed to <c>ask</c>.</summary>
    public const string EmbeddingServiceKey = "indexing";

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A real provider can be briefly unreachable when the app starts: keep trying rather than serve nothing.
        var delay = TimeSpan.FromSeconds(2);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await IndexAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogIndexingFailed(logger, ex, delay.TotalSeconds);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    private async Task IndexAsync(CancellationToken cancellationToken)
    {
        using var activity = RagApiTelemetry.ActivitySource.StartActivity("index handbook");
        var stopwatch = Stopwatch.StartNew();

        var documents = await HandbookFile.ReadAsync(HandbookFile.DefaultPath, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("handbook.document_count", documents.Count);

        // One batched call: one embeddings span for the whole handbook rather than one per page.
        var generated = await embeddings.GenerateAsync(documents.Select(EmbeddingText), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (generated.Count != documents.Count)
        {
            throw new InvalidOperationException($"Asked for {documents.Count} embeddings and got {generated.Count}.");
        }

        index.Load(documents.Select((d, i) => (d, generated[i].Vector.ToArray())).ToList());
        LogIndexed(logger, documents.Count, generated[0].Vector.Length, stopwatch.ElapsedMilliseconds);
    }

    // The title carries the page's topic in few words; embedding it with the body helps short questions match.
    private static string EmbeddingText(HandbookDocument document) => $"{document.Title}\n{document.Text}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Indexed {Count} handbook pages ({Dimensions} dimensions) in {ElapsedMs} ms")]
    private static partial void LogIndexed(ILogger logger, int count, int dimensions, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indexing the handbook failed; retrying in {DelaySeconds} s")]
    private static partial void LogIndexingFailed(ILogger logger, Exception exception, double delaySeconds);
}
