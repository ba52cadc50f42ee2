using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmObs.Annotations;
using LlmObs.Evaluation.Evaluators;
using LlmObs.Evaluation.Telemetry;
using LlmObs.Sampling;
using Microsoft.Extensions.AI.Evaluation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmObs.Evaluation.Worker;

/// <summary>
/// One pass of offline evaluation: ask LlmObs for model calls that lack the evaluators' annotations, keep the
/// sampled share within the budget, run every evaluator on each, and write the results back as annotations and as
/// <c>gen_ai.evaluation.result</c> events on the evaluated spans. It pages forward by call start time, so calls
/// sampled out are passed over rather than fetched again and again.
/// </summary>
public sealed class OfflineEvaluation
{
    private const int RememberedCalls = 10_000;

    private readonly LlmObsAnnotationClient _client;
    private readonly IReadOnlyList<IEvaluator> _evaluators;
    private readonly ChatConfiguration? _judge;
    private readonly EvaluationEvents _events;
    private readonly EvaluationWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OfflineEvaluation> _logger;
    private readonly Queue<DateTimeOffset> _recent = new();
    private readonly HashSet<string> _handled = new(StringComparer.Ordinal);
    private readonly Queue<string> _handledOrder = new();
    private DateTimeOffset? _cursor;

    /// <summary>Creates the evaluation.</summary>
    /// <param name="client">The LlmObs client (reads calls, writes annotations).</param>
    /// <param name="evaluators">The evaluators to run on every call.</param>
    /// <param name="judge">The chat configuration LLM-based evaluators use; null when none is configured.</param>
    /// <param name="events">Where evaluation events go.</param>
    /// <param name="options">What to evaluate and how much.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    public OfflineEvaluation(
        LlmObsAnnotationClient client, IEnumerable<IEvaluator> evaluators, ChatConfiguration? judge, EvaluationEvents events,
        IOptions<EvaluationWorkerOptions> options, TimeProvider time, ILogger<OfflineEvaluation> logger)
    {
        _client = client;
        _options = options.Value;
        _judge = judge;
        _evaluators = evaluators.Where(e => _options.UseJudge && judge is not null || e is not LlmJudgeEvaluator).ToList();
        _events = events;
        _time = time;
        _logger = logger;
    }

    /// <summary>The annotation names this evaluation writes (a call lacking any of them is a candidate).</summary>
    public IReadOnlyList<string> Names => _evaluators.SelectMany(e => e.EvaluationMetricNames).Distinct().ToList();

    /// <summary>Evaluates the next batch of calls.</summary>
    /// <param name="cancellationToken">Stops the run between calls.</param>
    /// <returns>What the run did.</returns>
    public async Task<EvaluationRunSummary> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var from = _cursor ?? now - _options.Lookback;
        var candidates = await CandidatesAsync(from, cancellationToken).ConfigureAwait(false);
        int evaluated = 0, sampledOut = 0, withoutContent = 0, overBudget = 0, failed = 0;
        foreach (var candidate in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _cursor = Max(_cursor ?? from, candidate.StartTime - _options.IngestLag);
            if (_handled.Contains(candidate.SpanId))
            {
                continue;
            }

            if (!TraceIdRandomness.Keeps(candidate.TraceId, Rate(candidate.Feature)))
            {
                sampledOut++;
                Remember(candidate.SpanId);
                continue;
            }

            if (!TakeBudget(now))
            {
                overBudget++;
                break; // leave the rest for the next hour: the cursor stops here
            }

            try
            {
                var call = await ReadCallAsync(candidate, cancellationToken).ConfigureAwait(false);
                if (call is null)
                {
                    withoutContent++;
                }
                else
                {
                    await EvaluateAsync(call, cancellationToken).ConfigureAwait(false);
                    evaluated++;
                }

                Remember(candidate.SpanId);
            }
            catch (Exception e) when (e is HttpRequestException or LlmObsAnnotationException or JsonException)
            {
                // LlmObs is unreachable or refused: stop here, and start the next run at this call again.
                failed++;
                _logger.LogWarning(e, "Evaluating span {SpanId} of trace {TraceId} failed; the next run tries it again.", candidate.SpanId, candidate.TraceId);
                break;
            }
        }

        var summary = new EvaluationRunSummary(candidates.Count, evaluated, sampledOut, withoutContent, overBudget > 0, failed);
        if (candidates.Count > 0)
        {
            _logger.LogInformation(
                "Offline evaluation: {Candidates} candidates, {Evaluated} evaluated, {SampledOut} sampled out, {WithoutContent} without content, {Failed} failed{Budget}.",
                summary.Candidates, summary.Evaluated, summary.SampledOut, summary.WithoutContent, summary.Failed, summary.BudgetExhausted ? ", budget exhausted" : "");
        }

        return summary;
    }

    /// <summary>Runs every evaluator on one call, writes the annotations and emits the events.</summary>
    /// <param name="call">The call.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The annotations written.</returns>
    public async Task<IReadOnlyList<AnnotationTarget>> EvaluateAsync(EvaluatedCall call, CancellationToken cancellationToken)
    {
        IEnumerable<EvaluationContext> context = call.Documents.Count > 0 ? [new RetrievedDocumentsContext(call.Documents)] : [];
        var annotations = new List<AnnotationTarget>();
        foreach (var evaluator in _evaluators)
        {
            EvaluationResult result;
            try
            {
                result = await evaluator.EvaluateAsync(call.Messages, call.Response, _judge, context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One broken evaluator (a judge that is down) must not cost the others' results.
                _logger.LogWarning(e, "{Evaluator} failed on span {SpanId}.", evaluator.GetType().Name, call.SpanId);
                continue;
            }

            foreach (var metric in result.Metrics.Values)
            {
                var annotation = ToAnnotation(metric, evaluator);
                annotations.Add(new AnnotationTarget(call.TraceId, call.SpanId, annotation));
            }
        }

        if (annotations.Count == 0)
        {
            return annotations;
        }

        await _client.AnnotateAsync(annotations, cancellationToken).ConfigureAwait(false);
        foreach (var a in annotations)
        {
            _events.Emit(call.TraceId, call.SpanId, a.Annotation.Name, a.Annotation.Score, a.Annotation.Label, a.Annotation.Explanation, call.ResponseId);
        }

        return annotations;
    }

    private SpanAnnotation ToAnnotation(EvaluationMetric metric, IEvaluator evaluator)
    {
        double? score = metric switch
        {
            NumericMetric n => n.Value,
            BooleanMetric b => b.Value is { } v ? (v ? 1 : 0) : null,
            _ => null,
        };
        var metadata = metric.Metadata ?? new Dictionary<string, string>();
        var label = metadata.TryGetValue("label", out var l) ? l
            : metric is StringMetric s ? s.Value
            : null;
        var diagnostics = metric.Diagnostics is { Count: > 0 } d ? string.Join(" ", d.Select(x => x.Message)) : null;
        if (score is null && label is null)
        {
            // Written anyway, so the call counts as evaluated and is not fetched again; it adds nothing to mean scores.
            label = metric.Interpretation?.Rating == EvaluationRating.Inconclusive || diagnostics is not null ? "inconclusive" : "unscored";
        }

        var details = new JsonObject { ["evaluator"] = evaluator.GetType().Name };
        if (metric.Interpretation is { } interpretation)
        {
            details["rating"] = interpretation.Rating.ToString().ToLowerInvariant();
            details["failed"] = interpretation.Failed;
        }

        foreach (var (key, value) in metadata)
        {
            if (key is not ("label" or EvaluationNames.SourceMetadata))
            {
                details[key] = value;
            }
        }

        return new SpanAnnotation(metric.Name)
        {
            Score = score,
            Label = label,
            Explanation = metric.Reason ?? metric.Interpretation?.Reason ?? diagnostics,
            Source = metadata.TryGetValue(EvaluationNames.SourceMetadata, out var source) && source == "llm" ? AnnotationSource.Llm : AnnotationSource.Code,
            Identifier = _options.Identifier,
            Metadata = details,
        };
    }

    private async Task<List<Candidate>> CandidatesAsync(DateTimeOffset from, CancellationToken cancellationToken)
    {
        var names = Names;
        if (names.Count == 0)
        {
            return [];
        }

        var features = _options.Features.Count == 0 ? [null] : _options.Features.Cast<string?>().ToList();
        var all = new List<Candidate>();
        foreach (var feature in features)
        {
            var query = string.Join("&", names.Select(n => "name=" + Uri.EscapeDataString(n)))
                + "&from=" + Uri.EscapeDataString(from.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))
                + "&excludeFeature=" + Uri.EscapeDataString(_options.JudgeFeature)
                + "&limit=" + _options.BatchSize.ToString(CultureInfo.InvariantCulture)
                + (feature is null ? "" : "&feature=" + Uri.EscapeDataString(feature));
            using var response = await _client.Http.GetAsync("/api/annotations/unevaluated?" + query, cancellationToken).ConfigureAwait(false);
            await LlmObsAnnotationClient.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            all.AddRange((await response.Content.ReadFromJsonAsync<List<Candidate>>(LlmObsAnnotationClient.Json, cancellationToken).ConfigureAwait(false))!);
        }

        return all.OrderBy(c => c.StartTime).ThenBy(c => c.SpanId, StringComparer.Ordinal).ToList();
    }

    private async Task<EvaluatedCall?> ReadCallAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        using var response = await _client.Http.GetAsync($"/api/traces/{candidate.TraceId}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await LlmObsAnnotationClient.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        using var trace = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
        return TraceCallReader.Read(trace.RootElement, candidate.SpanId);
    }

    private double Rate(string? feature) =>
        feature is not null && _options.FeatureSampleRates.TryGetValue(feature, out var rate) ? rate : _options.SampleRate;

    private bool TakeBudget(DateTimeOffset now)
    {
        while (_recent.Count > 0 && now - _recent.Peek() >= TimeSpan.FromHours(1))
        {
            _recent.Dequeue();
        }

        if (_recent.Count >= _options.MaxEvaluationsPerHour)
        {
            return false;
        }

        _recent.Enqueue(now);
        return true;
    }

    private void Remember(string spanId)
    {
        if (_handled.Add(spanId))
        {
            _handledOrder.Enqueue(spanId);
            if (_handledOrder.Count > RememberedCalls)
            {
                _handled.Remove(_handledOrder.Dequeue());
            }
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private sealed record Candidate(string TraceId, string SpanId, DateTimeOffset StartTime, string? Feature, string? Model, double? CostUsd);
}

/// <summary>What one evaluation run did.</summary>
/// <param name="Candidates">Calls the server offered.</param>
/// <param name="Evaluated">Calls evaluated and annotated.</param>
/// <param name="SampledOut">Calls passed over by the sample rate.</param>
/// <param name="WithoutContent">Calls whose trace records no answer text (content off), so nothing could be judged.</param>
/// <param name="BudgetExhausted">The hourly budget ran out during the run.</param>
/// <param name="Failed">Calls whose evaluation failed and will be tried again.</param>
public sealed record EvaluationRunSummary(int Candidates, int Evaluated, int SampledOut, int WithoutContent, bool BudgetExhausted, int Failed);
