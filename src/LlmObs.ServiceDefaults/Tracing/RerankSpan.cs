using System.Diagnostics;
using LlmObs.Semantics;

namespace LlmObs.Tracing;

/// <summary>
/// A <c>rerank {model}</c> span around a reranking step (a cross-encoder or a rerank API re-scoring retrieved
/// documents). Dispose it when the rerank ends.
/// </summary>
/// <example>
/// <code>
/// using var span = RerankSpan.Start("rerank-v3.5", topN: 3, queryText: question, candidateCount: hits.Count);
/// var best = reranker.Rerank(question, hits, 3);
/// span.RecordDocuments(best.Select(b => new RetrievedDocument(b.Id, b.Score, b.Source)));
/// </code>
/// </example>
public sealed class RerankSpan : DocumentSpan
{
    private RerankSpan(Activity? activity)
        : base(activity)
    {
    }

    /// <summary>Starts a rerank span as a child of the current span.</summary>
    /// <param name="model">The reranking model (<c>gen_ai.request.model</c>).</param>
    /// <param name="topN">How many documents the rerank keeps (<c>gen_ai.request.top_k</c>).</param>
    /// <param name="queryText">The query, recorded like a retrieval's under the content mode; pass null to leave it out.</param>
    /// <param name="candidateCount">How many documents were given to it (<c>llmobs.rerank.input_count</c>), if known.</param>
    /// <param name="dataSourceId">The index the candidates came from (<c>gen_ai.data_source.id</c>), if any.</param>
    /// <returns>The span; a no-op when nobody listens to <see cref="LlmObsTelemetry.SourceName"/>.</returns>
    public static RerankSpan Start(string model, int topN, string? queryText = null, int? candidateCount = null, string? dataSourceId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        var activity = LlmObsTelemetry.ActivitySource.StartActivity($"{GenAiAttributes.Operations.Rerank} {model}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(GenAiAttributes.OperationName, GenAiAttributes.Operations.Rerank);
            activity.SetTag(GenAiAttributes.RequestModel, model);
            activity.SetTag(GenAiAttributes.RequestTopK, topN);
            if (candidateCount is { } count)
            {
                activity.SetTag(LlmObsAttributes.RerankInputCount, count);
            }

            if (dataSourceId is not null)
            {
                activity.SetTag(GenAiAttributes.DataSourceId, dataSourceId);
            }

            RecordQuery(activity, queryText);
        }

        return new RerankSpan(activity);
    }
}
