using System.Diagnostics;
using LlmObs.Semantics;

namespace LlmObs.Tracing;

/// <summary>A document a retrieval returned, as recorded on the <c>retrieval</c> span.</summary>
/// <param name="Id">The document's id in its data source.</param>
/// <param name="Score">The similarity or relevance score the retriever gave it.</param>
/// <param name="Source">Where the document came from (a file name, URL or collection), if known.</param>
public readonly record struct RetrievedDocument(string Id, double Score, string? Source = null);

/// <summary>
/// A GenAI <c>retrieval {data source}</c> span around a vector or keyword search. Dispose it when the search ends.
/// </summary>
/// <example>
/// <code>
/// using var span = RetrievalSpan.Start("docs", topK: 4, queryText: question);
/// var hits = index.Search(vector, 4);
/// span.RecordDocuments(hits.Select(h => new RetrievedDocument(h.Id, h.Score)));
/// </code>
/// </example>
public sealed class RetrievalSpan : DocumentSpan
{
    private RetrievalSpan(Activity? activity)
        : base(activity)
    {
    }

    /// <summary>Starts a retrieval span as a child of the current span.</summary>
    /// <param name="dataSourceId">The index, collection or store searched (<c>gen_ai.data_source.id</c>).</param>
    /// <param name="topK">How many documents were asked for (<c>gen_ai.request.top_k</c>).</param>
    /// <param name="queryText">
    /// The query, recorded as <c>gen_ai.retrieval.query.text</c> under the content mode (left out when content is off,
    /// personal data redacted by default); pass null to leave it out.
    /// </param>
    /// <returns>The span; a no-op when nobody listens to <see cref="LlmObsTelemetry.SourceName"/>.</returns>
    public static RetrievalSpan Start(string dataSourceId, int topK, string? queryText = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataSourceId);
        var activity = LlmObsTelemetry.ActivitySource.StartActivity($"{GenAiAttributes.Operations.Retrieval} {dataSourceId}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(GenAiAttributes.OperationName, GenAiAttributes.Operations.Retrieval);
            activity.SetTag(GenAiAttributes.DataSourceId, dataSourceId);
            activity.SetTag(GenAiAttributes.RequestTopK, topK);
            RecordQuery(activity, queryText);
        }

        return new RetrievalSpan(activity);
    }
}
