using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using LlmObs.Annotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmObs.ServiceDefaults.Tests.Annotations;

/// <summary>The typed annotation client against a real LlmObs server, as a service uses it.</summary>
public sealed class AnnotationClientTests : IAsyncLifetime
{
    private const string SourceName = "LlmObs.Tests.Annotations";
    private static readonly ActivitySource Source = new(SourceName);
    private LlmObsTestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _server = LlmObsTestServer.Start();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_span_and_a_trace_are_annotated_listed_replaced_and_deleted()
    {
        var client = new LlmObsAnnotationClient(_server.Client);
        var traceId = TestSpan.NewTraceId();
        var spanId = TestSpan.NewSpanId();

        var first = await client.AnnotateSpanAsync(traceId, spanId, new SpanAnnotation("eval.quality")
        {
            Score = 0.4, Label = "meh", Explanation = "Vague.", Source = AnnotationSource.Llm, Metadata = new JsonObject { ["judge"] = "gpt-4o-mini" },
        }, Ct);
        var again = await client.AnnotateSpanAsync(traceId, spanId, new SpanAnnotation("eval.quality") { Score = 0.9, Source = AnnotationSource.Llm }, Ct);
        var feedback = await client.AnnotateTraceAsync(traceId, new SpanAnnotation("user.feedback") { Label = "thumbs_up", Source = AnnotationSource.Human }, Ct);

        Assert.True(first.Created);
        Assert.Equal((first.Id, false), (again.Id, again.Created));
        var stored = await client.ListForTraceAsync(traceId, cancellationToken: Ct);
        Assert.Equal(2, stored.Count);
        var quality = stored.Single(a => a.Name == "eval.quality");
        Assert.Equal((spanId, 0.9, "llm", (string?)null), (quality.SpanId, quality.Score!.Value, quality.Source, quality.Label));
        var trace = stored.Single(a => a.Name == "user.feedback");
        Assert.Equal((traceId, (string?)null, "thumbs_up", "human"), (trace.TraceId, trace.SpanId, trace.Label, trace.Source));

        Assert.True(await client.DeleteAsync(feedback.Id, Ct));
        Assert.False(await client.DeleteAsync(feedback.Id, Ct));
        Assert.Single(await client.ListForTraceAsync(traceId, cancellationToken: Ct));
    }

    [Fact]
    public async Task The_current_span_is_annotated_and_carries_the_result_as_a_gen_ai_evaluation_result_event()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var client = new LlmObsAnnotationClient(_server.Client);

        using var activity = Source.StartActivity("chat gpt-4o-mini")!;
        await client.AnnotateCurrentSpanAsync(new SpanAnnotation("user.feedback") { Score = 1, Label = "thumbs_up", Source = AnnotationSource.Human }, Ct);

        var stored = Assert.Single(await client.ListForTraceAsync(activity.TraceId.ToHexString(), "user.feedback", Ct));
        Assert.Equal(activity.SpanId.ToHexString(), stored.SpanId);
        var evaluation = Assert.Single(activity.Events, e => e.Name == "gen_ai.evaluation.result");
        var tags = evaluation.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal("user.feedback", tags["gen_ai.evaluation.name"]);
        Assert.Equal(1.0, tags["gen_ai.evaluation.score.value"]);
        Assert.Equal("thumbs_up", tags["gen_ai.evaluation.score.label"]);
    }

    [Fact]
    public async Task Without_a_current_span_annotating_it_says_so()
    {
        var client = new LlmObsAnnotationClient(_server.Client);
        Activity.Current = null;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.AnnotateCurrentSpanAsync(new SpanAnnotation("x") { Score = 1 }, Ct));

        Assert.Contains("AnnotateSpanAsync", error.Message);
    }

    [Fact]
    public async Task A_refused_annotation_throws_with_the_servers_reason()
    {
        var client = new LlmObsAnnotationClient(_server.Client);

        var error = await Assert.ThrowsAsync<LlmObsAnnotationException>(() =>
            client.AnnotateSpanAsync("not-a-trace-id", TestSpan.NewSpanId(), new SpanAnnotation("eval.quality") { Score = 1 }, Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Contains("traceId", error.Message);
        Assert.Contains("32 hex", error.Message);
    }

    [Fact]
    public async Task The_registered_client_finds_the_server_through_service_discovery_as_the_AppHost_reference_gives_it()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // What WithReference(llmobs) injects as services__llmobs__http__0.
            ["services:llmobs:http:0"] = _server.Address.ToString(),
        });
        builder.AddLlmObsAnnotationClient();
        using var host = builder.Build();
        var client = host.Services.GetRequiredService<LlmObsAnnotationClient>();
        var traceId = TestSpan.NewTraceId();

        var receipt = await client.AnnotateTraceAsync(traceId, new SpanAnnotation("eval.quality") { Score = 0.5 }, Ct);

        Assert.True(receipt.Created);
        Assert.Single(await client.ListForTraceAsync(traceId, cancellationToken: Ct));
    }

    [Fact]
    public async Task The_registered_client_sends_the_configured_api_key_to_a_server_that_requires_one()
    {
        const string apiKey = "llmobs-test-key-0123456789";
        await using var keyed = LlmObsTestServer.Start(apiKey);
        var traceId = TestSpan.NewTraceId();

        // Without the key, the server refuses.
        var anonymous = Client(keyed, apiKey: null);
        var refused = await Assert.ThrowsAsync<LlmObsAnnotationException>(() =>
            anonymous.AnnotateTraceAsync(traceId, new SpanAnnotation("eval.quality") { Score = 0.5 }, Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);

        // With LlmObs:ApiKey configured, every call carries it as x-api-key.
        var client = Client(keyed, apiKey);
        Assert.True((await client.AnnotateTraceAsync(traceId, new SpanAnnotation("eval.quality") { Score = 0.5 }, Ct)).Created);
        Assert.Single(await client.ListForTraceAsync(traceId, cancellationToken: Ct));

        static LlmObsAnnotationClient Client(LlmObsTestServer server, string? apiKey)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LlmObs:Endpoint"] = server.Address.ToString(),
                ["LlmObs:ApiKey"] = apiKey,
            });
            builder.AddLlmObsAnnotationClient();
            var host = builder.Build();
            return host.Services.GetRequiredService<LlmObsAnnotationClient>();
        }
    }
}
