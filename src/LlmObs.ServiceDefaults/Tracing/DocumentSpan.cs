using System.Diagnostics;
using System.Text.Json;
using LlmObs.Context;
using LlmObs.Redaction;
using LlmObs.Semantics;

namespace LlmObs.Tracing;

/// <summary>
/// A span around a step that returns documents: a <see cref="RetrievalSpan"/> or a <see cref="RerankSpan"/>.
/// Record what came back, or the error, then dispose it to end the span.
/// </summary>
public abstract class DocumentSpan : IDisposable
{
    private protected DocumentSpan(Activity? activity) => Activity = activity;

    private protected Activity? Activity { get; }

    /// <summary>Records the documents the step returned, best first, with their scores.</summary>
    /// <param name="documents">The documents with their ids, scores and sources.</param>
    public void RecordDocuments(IEnumerable<RetrievedDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (Activity is not { IsAllDataRequested: true })
        {
            return;
        }

        var list = documents.ToList();
        Activity.SetTag(LlmObsAttributes.ReturnedCount, list.Count);
        Activity.SetTag(GenAiAttributes.RetrievalDocuments, JsonSerializer.Serialize(list, TracingJsonContext.Default.ListRetrievedDocument));
    }

    /// <summary>Marks the step as failed, with the exception's type as <c>error.type</c>.</summary>
    /// <param name="exception">What went wrong.</param>
    public void RecordError(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Activity?.SetTag(GenAiAttributes.ErrorType, exception.GetType().FullName).SetStatus(ActivityStatusCode.Error, exception.Message);
    }

    /// <summary>Ends the span.</summary>
    public void Dispose()
    {
        Activity?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Writes the query under the process-wide content policy, and the request's feature and user.</summary>
    private protected static void RecordQuery(Activity activity, string? queryText)
    {
        if (ContentPolicy.Default.Apply(queryText, out var redactions) is { } query)
        {
            activity.SetTag(GenAiAttributes.RetrievalQueryText, query);
            if (redactions > 0)
            {
                activity.SetTag(LlmObsAttributes.RedactedCount, redactions);
            }
        }

        if (LlmObsContext.Feature is { } feature)
        {
            activity.SetTag(LlmObsAttributes.Feature, feature);
        }

        if (LlmObsContext.UserHash is { } user)
        {
            activity.SetTag(LlmObsAttributes.UserHash, user);
        }
    }
}
