using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LlmObs.Evaluation.Telemetry;

namespace LlmObs.Annotations;

/// <summary>
/// Writes annotations (scores, labels, explanations) to LlmObs, for the current span, a given span or a whole
/// trace, in one call. Registered by <c>AddLlmObsAnnotationClient()</c>, which points it at the <c>llmobs</c>
/// resource through service discovery.
/// </summary>
/// <example>
/// <code>
/// await annotations.AnnotateCurrentSpanAsync(new SpanAnnotation("user.feedback") { Label = "thumbs_up", Score = 1, Source = AnnotationSource.Human });
/// </code>
/// </example>
public sealed class LlmObsAnnotationClient(HttpClient http)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The client's HTTP client (its base address is the LlmObs server).</summary>
    internal HttpClient Http => http;

    /// <summary>
    /// Annotates the span that is <see cref="Activity.Current"/>, and records the result on it as a
    /// <c>gen_ai.evaluation.result</c> event so the Aspire dashboard shows it with the span.
    /// </summary>
    /// <param name="annotation">The annotation.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The annotation's id and whether it was new.</returns>
    /// <exception cref="InvalidOperationException">There is no current span.</exception>
    public Task<AnnotationReceipt> AnnotateCurrentSpanAsync(SpanAnnotation annotation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        var activity = Activity.Current
            ?? throw new InvalidOperationException("There is no current span (Activity.Current is null): annotate a given span with AnnotateSpanAsync.");
        EvaluationEvents.AddTo(activity, annotation.Name, annotation.Score, annotation.Label, annotation.Explanation);
        return AnnotateSpanAsync(activity.TraceId.ToHexString(), activity.SpanId.ToHexString(), annotation, cancellationToken);
    }

    /// <summary>Annotates a span given by its context (e.g. one kept from a request).</summary>
    /// <param name="span">The span's trace and span ids.</param>
    /// <param name="annotation">The annotation.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The annotation's id and whether it was new.</returns>
    public Task<AnnotationReceipt> AnnotateSpanAsync(ActivityContext span, SpanAnnotation annotation, CancellationToken cancellationToken = default) =>
        AnnotateSpanAsync(span.TraceId.ToHexString(), span.SpanId.ToHexString(), annotation, cancellationToken);

    /// <summary>Annotates a span given by its ids (32 and 16 hex characters).</summary>
    /// <param name="traceId">The trace id.</param>
    /// <param name="spanId">The span id.</param>
    /// <param name="annotation">The annotation.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The annotation's id and whether it was new.</returns>
    public async Task<AnnotationReceipt> AnnotateSpanAsync(string traceId, string spanId, SpanAnnotation annotation, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(spanId);
        return (await AnnotateAsync([new AnnotationTarget(traceId, spanId, annotation)], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Annotates a whole trace (e.g. a user's feedback on a conversation turn).</summary>
    /// <param name="traceId">The trace id (32 hex characters).</param>
    /// <param name="annotation">The annotation.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The annotation's id and whether it was new.</returns>
    public async Task<AnnotationReceipt> AnnotateTraceAsync(string traceId, SpanAnnotation annotation, CancellationToken cancellationToken = default) =>
        (await AnnotateAsync([new AnnotationTarget(traceId, null, annotation)], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Writes several annotations in one request, all or none.</summary>
    /// <param name="annotations">The annotations with their targets (at most 1000).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>One receipt per annotation, in order.</returns>
    /// <exception cref="LlmObsAnnotationException">The server refused them; its message says which field and why.</exception>
    public async Task<IReadOnlyList<AnnotationReceipt>> AnnotateAsync(IReadOnlyList<AnnotationTarget> annotations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        if (annotations.Count == 0)
        {
            return [];
        }

        var body = annotations.Select(a => new WireAnnotation(
            a.TraceId, a.SpanId, a.Annotation.Name, a.Annotation.Score, a.Annotation.Label, a.Annotation.Explanation,
            a.Annotation.Source.ToString().ToLowerInvariant(), a.Annotation.Identifier, a.Annotation.Metadata)).ToList();
        using var response = await http.PostAsJsonAsync("/api/annotations", body, Json, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<List<AnnotationReceipt>>(Json, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The annotations of a trace (with those of its spans), optionally of one name.</summary>
    /// <param name="traceId">The trace id.</param>
    /// <param name="name">Only this name, when given.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The annotations, most recent first (at most 1000).</returns>
    public async Task<IReadOnlyList<StoredAnnotation>> ListForTraceAsync(string traceId, string? name = null, CancellationToken cancellationToken = default)
    {
        var query = $"/api/annotations?traceId={Uri.EscapeDataString(traceId)}&limit=1000{(name is null ? "" : "&name=" + Uri.EscapeDataString(name))}";
        using var response = await http.GetAsync(query, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<StoredPage>(Json, cancellationToken).ConfigureAwait(false))!.Items;
    }

    /// <summary>Deletes an annotation.</summary>
    /// <param name="id">The annotation's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>False when there was no such annotation.</returns>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await http.DeleteAsync($"/api/annotations/{Uri.EscapeDataString(id)}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return true;
    }

    internal static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? message = null;
        try
        {
            // A validation problem lists the fields at fault; say them.
            var problem = JsonNode.Parse(detail);
            var errors = problem?["errors"]?.AsObject().Select(e => $"{e.Key}: {string.Join(" ", e.Value!.AsArray())}");
            message = string.Join(" ", new[] { problem?["title"]?.ToString(), problem?["detail"]?.ToString() }.Concat(errors ?? []).Where(s => !string.IsNullOrEmpty(s)));
        }
        catch (JsonException)
        {
        }

        throw new LlmObsAnnotationException(response.StatusCode, string.IsNullOrEmpty(message) ? $"LlmObs answered {(int)response.StatusCode}." : message);
    }

    private sealed record WireAnnotation(
        string TraceId, string? SpanId, string Name, double? Score, string? Label, string? Explanation, string Source, string? Identifier, JsonObject? Metadata);

    private sealed record StoredPage(List<StoredAnnotation> Items);
}

/// <summary>An annotation with what it is about: a span (trace and span id) or a whole trace (no span id).</summary>
/// <param name="TraceId">The trace id (32 hex characters).</param>
/// <param name="SpanId">The span id (16 hex characters), or null for the whole trace.</param>
/// <param name="Annotation">The annotation.</param>
public sealed record AnnotationTarget(string TraceId, string? SpanId, SpanAnnotation Annotation);

/// <summary>LlmObs refused an annotation request; the message says why.</summary>
public sealed class LlmObsAnnotationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="status">The HTTP status the server answered.</param>
    /// <param name="message">The server's reason.</param>
    public LlmObsAnnotationException(HttpStatusCode status, string message) : base(message) => Status = status;

    /// <summary>The HTTP status the server answered.</summary>
    public HttpStatusCode Status { get; }
}
