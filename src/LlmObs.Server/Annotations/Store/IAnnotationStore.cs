using LlmObs.Server.Annotations.Model;
using LlmObs.Server.Annotations.Quality;
using LlmObs.Server.Query;

namespace LlmObs.Server.Annotations.Store;

/// <summary>Where annotations are kept, on the engine that keeps the spans, and the quality questions asked of both.</summary>
internal interface IAnnotationStore
{
    /// <summary>Inserts or replaces (same target, name and identifier) every draft, in one transaction.</summary>
    Task<IReadOnlyList<UpsertResult>> UpsertAsync(IReadOnlyList<AnnotationDraft> drafts, CancellationToken cancellationToken);

    Task<Annotation?> GetAsync(string id, CancellationToken cancellationToken);

    Task<Page<Annotation>> ListAsync(AnnotationQuery query, PageRequest page, CancellationToken cancellationToken);

    /// <summary>False when no annotation has the id.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<AnnotationName>> NamesAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<CostPerQuality>> CostPerQualityAsync(QualityFilter filter, QualityDimension by, CancellationToken cancellationToken);

    Task<IReadOnlyList<QualityBucket>> QualityOverTimeAsync(QualityFilter filter, TimeBucket bucket, QualityDimension? by, CancellationToken cancellationToken);

    Task<IReadOnlyList<EvaluationCandidate>> UnevaluatedAsync(CandidateQuery query, CancellationToken cancellationToken);
}

/// <summary>List filters; they combine. A trace filter also finds span annotations sent without their trace id.</summary>
internal sealed record AnnotationQuery(string? TraceId = null, string? SpanId = null, string? Name = null, string? Source = null);

/// <summary>An annotation name in use, with how often and what it scores.</summary>
internal sealed record AnnotationName(string Name, long Count, long Scored, double? MeanScore, double? MinScore, double? MaxScore);
