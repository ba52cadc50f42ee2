using System.Net;
using System.Net.Http.Json;
using System.Text;
using LlmObs.Server.Tests.Query;
using static LlmObs.Server.Tests.Query.QuerySeed;

namespace LlmObs.Server.Tests.Annotations;

/// <summary>
/// Every annotation shape a client can send (LlmObs's own, Langfuse's flat score and ingestion batch, Phoenix's
/// span annotations), upsert and delete, against a server holding <see cref="QuerySeed"/>. Each test uses names of
/// its own, so tests sharing the server never see each other's annotations. Runs once per storage engine.
/// </summary>
public abstract class AnnotationApiTests(SeededServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client
    {
        get
        {
            Assert.SkipWhen(fixture.Unavailable is not null, fixture.Unavailable ?? "");
            return fixture.Server.Client;
        }
    }

    private static string Unique(string name) => $"{name}.{Guid.NewGuid():N}"[..(name.Length + 9)];

    private async Task<HttpResponseMessage> PostAsync(string path, string json) =>
        await Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    private async Task<ApiAnnotationPage> ListAsync(string query) =>
        (await Client.GetFromJsonAsync<ApiAnnotationPage>($"/api/annotations?{query}", Ct))!;

    // ---- LlmObs's own shape ----

    [Fact]
    public async Task A_span_annotation_is_created_read_back_and_listed_by_trace_span_and_name()
    {
        var name = Unique("eval.quality");

        using var response = await PostAsync("/api/annotations", $$"""
            {"traceId":"{{T1.ToUpperInvariant()}}","spanId":"{{C1}}","name":"{{name}}","score":0.75,"label":"good",
             "explanation":"Cites the refunds page.","source":"llm","identifier":"judge-v1","metadata":{"judge":"gpt-4o-mini","rubric":2} }
            """);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<ApiAnnotation>(Ct))!;
        Assert.Equal($"/api/annotations/{created.Id}", response.Headers.Location!.OriginalString);
        Assert.Equal((T1, C1, name, 0.75, "good", "llm", "judge-v1"),
            (created.TraceId, created.SpanId, created.Name, created.Score!.Value, created.Label, created.Source, created.Identifier));
        Assert.Equal("Cites the refunds page.", created.Explanation);
        Assert.Equal(2, created.Metadata!.Value.GetProperty("rubric").GetInt32());

        var read = await Client.GetFromJsonAsync<ApiAnnotation>($"/api/annotations/{created.Id}", Ct);
        Assert.Equal(created with { Metadata = null }, read! with { Metadata = null });
        Assert.Equal("gpt-4o-mini", read.Metadata!.Value.GetProperty("judge").GetString());
        Assert.Equal([created.Id], (await ListAsync($"traceId={T1}&name={name}")).Items.Select(a => a.Id));
        Assert.Equal([created.Id], (await ListAsync($"spanId={C1}&name={name}")).Items.Select(a => a.Id));
        Assert.Empty((await ListAsync($"traceId={T2}&name={name}")).Items);
        Assert.Empty((await ListAsync($"name={name}&source=human")).Items);
    }

    [Fact]
    public async Task A_repeat_with_the_same_target_name_and_identifier_replaces_the_annotation()
    {
        var name = Unique("eval.helpful");
        using var first = await PostAsync("/api/annotations", $$"""{"traceId":"{{T1}}","spanId":"{{C1}}","name":"{{name}}","score":0.2}""");
        var original = (await first.Content.ReadFromJsonAsync<ApiAnnotation>(Ct))!;

        using var second = await PostAsync("/api/annotations", $$"""{"traceId":"{{T1}}","spanId":"{{C1}}","name":"{{name}}","score":0.9,"label":"fixed","source":"human"}""");
        using var otherReviewer = await PostAsync("/api/annotations", $$"""{"traceId":"{{T1}}","spanId":"{{C1}}","name":"{{name}}","score":0.4,"identifier":"reviewer-2"}""");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var replaced = (await second.Content.ReadFromJsonAsync<ApiAnnotation>(Ct))!;
        Assert.Equal(original.Id, replaced.Id);
        Assert.Equal((0.9, "fixed", "human"), (replaced.Score!.Value, replaced.Label, replaced.Source));
        Assert.Equal(original.CreatedAt, replaced.CreatedAt);
        Assert.True(replaced.UpdatedAt >= original.UpdatedAt);
        Assert.Equal(HttpStatusCode.Created, otherReviewer.StatusCode);
        var all = await ListAsync($"name={name}");
        Assert.Equal([0.4, 0.9], all.Items.Select(a => a.Score!.Value).Order());
    }

    [Fact]
    public async Task A_trace_annotation_has_no_span_and_an_array_writes_several_in_one_request()
    {
        var name = Unique("user.feedback");

        using var response = await PostAsync("/api/annotations", $$"""
            [{"traceId":"{{T2}}","name":"{{name}}","label":"thumbs_down","source":"human"},
             {"traceId":"{{T3}}","spanId":"{{C3}}","name":"{{name}}","score":1}]
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<List<ApiWriteResult>>(Ct))!;
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.True(r.Created));
        var traceLevel = Assert.Single((await ListAsync($"traceId={T2}&name={name}")).Items);
        Assert.Null(traceLevel.SpanId);
        Assert.Equal(("thumbs_down", (double?)null), (traceLevel.Label, traceLevel.Score));
    }

    [Fact]
    public async Task Lists_are_paged()
    {
        var name = Unique("paged");
        using var _ = await PostAsync("/api/annotations", $$"""
            [{"traceId":"{{T1}}","spanId":"{{C1}}","name":"{{name}}","score":1},
             {"traceId":"{{T3}}","spanId":"{{C3}}","name":"{{name}}","score":2},
             {"traceId":"{{T4}}","spanId":"{{C4}}","name":"{{name}}","score":3}]
            """);

        var first = await ListAsync($"name={name}&limit=2");
        var last = await ListAsync($"name={name}&limit=2&offset=2");

        Assert.Equal(2, first.Items.Count);
        Assert.Equal(2, first.NextOffset);
        Assert.Single(last.Items);
        Assert.Null(last.NextOffset);
        Assert.Equal(3, first.Items.Concat(last.Items).Select(a => a.Id).Distinct().Count());
    }

    [Fact]
    public async Task Delete_removes_the_annotation_once()
    {
        var name = Unique("to.delete");
        using var created = await PostAsync("/api/annotations", $$"""{"traceId":"{{T4}}","spanId":"{{C4}}","name":"{{name}}","score":0}""");
        var id = (await created.Content.ReadFromJsonAsync<ApiAnnotation>(Ct))!.Id;

        using var deleted = await Client.DeleteAsync($"/api/annotations/{id}", Ct);
        using var again = await Client.DeleteAsync($"/api/annotations/{id}", Ct);
        using var read = await Client.GetAsync($"/api/annotations/{id}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Empty((await ListAsync($"name={name}")).Items);
    }

    [Theory]
    [InlineData("""{"traceId":"abc","name":"n","score":1}""", "traceId", "32 hex")]
    [InlineData("""{"name":"n","score":1}""", "traceId", "required")]
    [InlineData("""{"traceId":"0123456789abcdef0123456789abcdef","spanId":"xyz","name":"n","score":1}""", "spanId", "16 hex")]
    [InlineData("""{"traceId":"0123456789abcdef0123456789abcdef","score":1}""", "name", "required")]
    [InlineData("""{"traceId":"0123456789abcdef0123456789abcdef","name":"n"}""", "score", "score, a label or both")]
    [InlineData("""{"traceId":"0123456789abcdef0123456789abcdef","name":"n","score":"high"}""", "score", "number")]
    [InlineData("""{"traceId":"0123456789abcdef0123456789abcdef","name":"n","score":1,"source":"robot"}""", "source", "human, code or llm")]
    [InlineData("""{"traceId":"0123456789abcdef0123456789abcdef","name":"n","score":1,"metadata":[1]}""", "metadata", "object")]
    [InlineData("""[{"traceId":"0123456789abcdef0123456789abcdef","name":"n","score":1},{"name":"m"}]""", "[1].traceId", "required")]
    public async Task Invalid_annotations_are_refused_with_the_field_and_the_reason(string body, string field, string reason)
    {
        using var response = await PostAsync("/api/annotations", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<ApiValidationProblem>(Ct))!;
        Assert.Contains(reason, string.Join(" ", problem.Errors[field]));
        Assert.Empty((await ListAsync("name=n")).Items); // an array with one bad item writes nothing
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_400_that_says_so()
    {
        using var response = await PostAsync("/api/annotations", "{not json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", await response.Content.ReadAsStringAsync(Ct));
    }

    // ---- Langfuse ----

    [Fact]
    public async Task Langfuse_flat_scores_map_ids_and_values_and_a_repeat_of_an_id_replaces_it()
    {
        var name = Unique("lf");
        var dashedTrace = Guid.ParseExact(T3, "N").ToString("D"); // the Python SDK's uuid4() spelling

        using var numeric = await PostAsync("/api/public/scores", $$"""
            {"id":"score-1","traceId":"{{dashedTrace.ToUpperInvariant()}}","observationId":"{{C3.ToUpperInvariant()}}","name":"{{name}}",
             "value":0.5,"dataType":"NUMERIC","comment":"ok-ish","metadata":{"run":7} }
            """);
        using var again = await PostAsync("/api/public/scores", $$"""
            {"id":"score-1","traceId":"{{T3}}","observationId":"{{C3}}","name":"{{name}}","value":0.75}
            """);
        using var boolean = await PostAsync("/api/public/scores", $$"""{"traceId":"{{T4}}","name":"{{name}}","value":true,"dataType":"BOOLEAN"}""");
        using var categorical = await PostAsync("/api/public/scores", $$"""{"traceId":"{{T1}}","observationId":"{{C1}}","name":"{{name}}","value":"relevant","dataType":"CATEGORICAL","source":"ANNOTATION"}""");
        using var foreign = await PostAsync("/api/public/scores", $$"""{"traceId":"my-own-trace-7","name":"{{name}}","value":1}""");

        Assert.All(new[] { numeric, again, boolean, categorical, foreign }, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal("score-1", (await numeric.Content.ReadFromJsonAsync<IdReply>(Ct))!.Id);
        var onC3 = Assert.Single((await ListAsync($"traceId={T3}&name={name}")).Items);
        Assert.Equal((C3, 0.75, "score-1", "code"), (onC3.SpanId, onC3.Score!.Value, onC3.Identifier, onC3.Source));
        var onT4 = Assert.Single((await ListAsync($"traceId={T4}&name={name}")).Items);
        Assert.Equal((1.0, "True", (string?)null), (onT4.Score!.Value, onT4.Label, onT4.SpanId));
        var onC1 = Assert.Single((await ListAsync($"spanId={C1}&name={name}")).Items);
        Assert.Equal(("relevant", (double?)null, "human"), (onC1.Label, onC1.Score, onC1.Source));
        var all = await ListAsync($"name={name}");
        Assert.Contains(all.Items, a => a.TraceId == "my-own-trace-7"); // not hex: kept as sent
    }

    [Theory]
    [InlineData("""{"name":"n","value":1}""", "traceId")]
    [InlineData("""{"traceId":"t","value":1}""", "name")]
    [InlineData("""{"traceId":"t","name":"n"}""", "value")]
    [InlineData("""{"traceId":"t","name":"n","value":"high","dataType":"NUMERIC"}""", "value")]
    [InlineData("""{"traceId":"t","name":"n","value":2,"dataType":"BOOLEAN"}""", "value")]
    [InlineData("""{"sessionId":"s","name":"n","value":1}""", "traceId")]
    public async Task Invalid_Langfuse_scores_are_refused(string body, string field)
    {
        using var response = await PostAsync("/api/public/scores", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<ApiValidationProblem>(Ct))!.Errors.Keys);
    }

    [Fact]
    public async Task Langfuse_ingestion_answers_each_event_in_successes_or_errors()
    {
        var name = Unique("lf.batch");

        using var response = await PostAsync("/api/public/ingestion", $$"""
            {"batch":[
              {"id":"e1","type":"score-create","timestamp":"2026-03-01T10:00:00Z","body":{"id":"s1","traceId":"{{T1}}","observationId":"{{C1}}","name":"{{name}}","value":0.9} },
              {"id":"e2","type":"score-create","timestamp":"2026-03-01T10:00:00Z","body":{"traceId":"{{T1}}","value":0.1} },
              {"id":"e3","type":"trace-create","timestamp":"2026-03-01T10:00:00Z","body":{"id":"{{T1}}"} }
            ],"metadata":{"sdk_name":"python"} }
            """);

        Assert.Equal(HttpStatusCode.MultiStatus, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString());
        var reply = (await response.Content.ReadFromJsonAsync<ApiIngestionResponse>(Ct))!;
        Assert.Equal([("e1", 201)], reply.Successes.Select(s => (s.Id, s.Status)));
        Assert.Equal(["e2", "e3"], reply.Errors.Select(e => e.Id));
        Assert.All(reply.Errors, e => Assert.Equal(400, e.Status));
        Assert.Contains("name", reply.Errors[0].Message);
        Assert.Contains("OTLP", reply.Errors[1].Message);
        var stored = Assert.Single((await ListAsync($"name={name}")).Items);
        Assert.Equal((C1, 0.9), (stored.SpanId, stored.Score!.Value));
    }

    [Fact]
    public async Task Langfuse_ingestion_without_a_batch_is_a_400()
    {
        using var response = await PostAsync("/api/public/ingestion", """{"events":[]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("batch", await response.Content.ReadAsStringAsync(Ct));
    }

    // ---- Phoenix ----

    [Fact]
    public async Task Phoenix_span_annotations_return_ids_and_are_found_through_the_trace_of_their_span()
    {
        var name = Unique("px");

        using var response = await PostAsync("/v1/span_annotations?sync=true", $$"""
            {"data":[
              {"span_id":"{{C4.ToUpperInvariant()}}","name":"{{name}}","annotator_kind":"LLM","result":{"label":"correct","score":1,"explanation":"Matches the handbook."},
               "metadata":{"model":"gpt-4o"},"identifier":""},
              {"span_id":"{{C1}}","name":"{{name}}","annotator_kind":"HUMAN","result":{"score":0.25} }
            ]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = (await response.Content.ReadFromJsonAsync<PhoenixReply>(Ct))!;
        Assert.Equal(2, reply.Data.Count);
        Assert.All(reply.Data, d => Assert.False(string.IsNullOrEmpty(d.Id)));
        var onT4 = Assert.Single((await ListAsync($"traceId={T4}&name={name}")).Items);
        Assert.Equal((C4, "correct", 1.0, "llm", "Matches the handbook."), (onT4.SpanId, onT4.Label, onT4.Score!.Value, onT4.Source, onT4.Explanation));
        Assert.Equal(reply.Data[0].Id, onT4.Id);

        // The same annotation again through the native API, now with its trace: one annotation, trace filled in.
        using var native = await PostAsync("/api/annotations", $$"""{"traceId":"{{T4}}","spanId":"{{C4}}","name":"{{name}}","score":0.5,"source":"llm"}""");
        var merged = (await native.Content.ReadFromJsonAsync<ApiAnnotation>(Ct))!;
        Assert.Equal((onT4.Id, T4, 0.5), (merged.Id, merged.TraceId, merged.Score!.Value));
    }

    [Theory]
    [InlineData("""{"data":[{"name":"n","annotator_kind":"LLM","result":{"score":1}}]}""", "data[0].span_id")]
    [InlineData("""{"data":[{"span_id":"0123456789abcdef","name":"n","annotator_kind":"ROBOT","result":{"score":1}}]}""", "data[0].annotator_kind")]
    [InlineData("""{"data":[{"span_id":"0123456789abcdef","name":"n","annotator_kind":"LLM","result":{}}]}""", "data[0].result")]
    [InlineData("""{"data":[{"span_id":"0123456789abcdef","name":"n","annotator_kind":"LLM","result":{"score":"x"}}]}""", "data[0].result.score")]
    public async Task Invalid_Phoenix_annotations_are_refused(string body, string field)
    {
        using var response = await PostAsync("/v1/span_annotations", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<ApiValidationProblem>(Ct))!.Errors.Keys);
    }

    private sealed record IdReply(string Id);

    private sealed record PhoenixReply(List<IdReply> Data);
}

public sealed class DuckDbAnnotationApiTests(DuckDbSeededFixture fixture) : AnnotationApiTests(fixture), IClassFixture<DuckDbSeededFixture>;

public sealed class PostgresAnnotationApiTests(PostgresSeededFixture fixture) : AnnotationApiTests(fixture), IClassFixture<PostgresSeededFixture>;
