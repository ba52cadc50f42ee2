using System.Net.Http.Json;
using System.Text.Json;
using LlmObs.Annotations;
using LlmObs.Evaluation.Evaluators;
using LlmObs.Evaluation.Telemetry;
using LlmObs.Evaluation.Worker;
using LlmObs.ServiceDefaults.Tests.Annotations;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LlmObs.ServiceDefaults.Tests.Evaluation;

/// <summary>
/// The offline worker against a real LlmObs holding RAG traces whose verdicts are known: a grounded answer, a
/// refusal, an off-topic answer, a call recorded without content, and a call of the judge itself.
/// </summary>
public sealed class OfflineEvaluationTests : IAsyncLifetime
{
    private const string Handbook = "Refunds are paid within 5 business days to the original card. Annual plans are refunded pro rata.";
    private static readonly DateTime Start = DateTime.UtcNow.AddMinutes(-30);
    private LlmObsTestServer _server = null!;
    private readonly Dictionary<string, (string TraceId, string SpanId)> _calls = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = LlmObsTestServer.Start();
        await SeedAsync("grounded", "ask", Start, "Refunds are paid within 5 business days.");
        await SeedAsync("refusal", "ask", Start.AddSeconds(1), "I'm sorry, but I can't help with that.");
        await SeedAsync("offtopic", "summarise", Start.AddSeconds(2), "Our Paris office opens at nine.");
        await SeedAsync("no-content", "ask", Start.AddSeconds(3), answer: null);
        await SeedAsync("judge", "eval_judge", Start.AddSeconds(4), """{"rating": 5, "reason": "fine"}""");
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private async Task SeedAsync(string key, string feature, DateTime start, string? answer)
    {
        var traceId = TestSpan.NewTraceId();
        var root = TestSpan.NewSpanId();
        var chat = TestSpan.NewSpanId();
        _calls[key] = (traceId, chat);
        var attributes = new Dictionary<string, object>
        {
            ["gen_ai.operation.name"] = "chat",
            ["gen_ai.provider.name"] = "openai",
            ["gen_ai.request.model"] = "gpt-4o-mini",
            ["gen_ai.response.model"] = "gpt-4o-mini",
            ["gen_ai.usage.input_tokens"] = 400L,
            ["gen_ai.usage.output_tokens"] = 40L,
            ["llmobs.feature"] = feature,
            ["gen_ai.response.id"] = "chatcmpl-" + key,
        };
        if (answer is not null)
        {
            attributes["gen_ai.input.messages"] = JsonSerializer.Serialize(new object[]
            {
                new { role = "user", parts = new[] { new { type = "text", content = $"Handbook excerpts:\n\n<document id=\"refunds\" title=\"Refunds\">\n{Handbook}\n</document>\n\nQuestion: How long do refunds take?" } } },
            });
            attributes["gen_ai.output.messages"] = JsonSerializer.Serialize(new object[]
            {
                new { role = "assistant", parts = new[] { new { type = "text", content = answer } }, finish_reason = "stop" },
            });
        }

        await _server.SendAsync(
            new TestSpan(traceId, root, null, "POST /ask", start),
            new TestSpan(traceId, TestSpan.NewSpanId(), root, "retrieval handbook", start.AddMilliseconds(5))
            {
                Attributes = { ["gen_ai.operation.name"] = "retrieval", ["gen_ai.retrieval.documents"] = """[{"id":"refunds","score":0.8}]""" },
            },
            new TestSpan(traceId, chat, root, "chat gpt-4o-mini", start.AddMilliseconds(10)) { Kind = 3, Attributes = attributes });
    }

    private OfflineEvaluation Create(IChatClient? judge, Action<EvaluationWorkerOptions>? configure = null)
    {
        var options = new EvaluationWorkerOptions { Lookback = TimeSpan.FromHours(1) };
        configure?.Invoke(options);
        return new OfflineEvaluation(
            new LlmObsAnnotationClient(_server.Client),
            [new GroundednessOverlapEvaluator(), new AnswerPresenceEvaluator(), new FormatEvaluator(options.Format), new LlmJudgeEvaluator()],
            judge is null ? null : new ChatConfiguration(judge),
            new EvaluationEvents(NullLogger<EvaluationEvents>.Instance),
            Options.Create(options),
            TimeProvider.System,
            NullLogger<OfflineEvaluation>.Instance);
    }

    private async Task<Dictionary<string, StoredAnnotation>> AnnotationsOfAsync(string key) =>
        (await new LlmObsAnnotationClient(_server.Client).ListForTraceAsync(_calls[key].TraceId, cancellationToken: Ct)).ToDictionary(a => a.Name);

    [Fact]
    public async Task Every_unevaluated_call_with_content_is_judged_and_annotated_with_the_known_verdicts()
    {
        var judge = new ScriptedChatClient("""{"rating": 4, "reason": "Supported by the refunds page."}""");
        var evaluation = Create(judge);

        var summary = await evaluation.RunOnceAsync(Ct);

        Assert.Equal(new EvaluationRunSummary(Candidates: 4, Evaluated: 3, SampledOut: 0, WithoutContent: 1, BudgetExhausted: false, Failed: 0), summary);
        var grounded = await AnnotationsOfAsync("grounded");
        Assert.Equal(1.0, grounded[EvaluationNames.Groundedness].Score);
        Assert.Equal((1.0, "answered"), (grounded[EvaluationNames.Answer].Score!.Value, grounded[EvaluationNames.Answer].Label));
        Assert.Equal(1.0, grounded[EvaluationNames.Format].Score);
        Assert.Equal((0.75, "llm", "4 of 5"), (grounded[EvaluationNames.Quality].Score!.Value, grounded[EvaluationNames.Quality].Source, grounded[EvaluationNames.Quality].Label));
        Assert.All(grounded.Values, a => Assert.Equal((_calls["grounded"].SpanId, "offline"), (a.SpanId, a.Identifier)));
        Assert.Equal("code", grounded[EvaluationNames.Groundedness].Source);

        var refusal = await AnnotationsOfAsync("refusal");
        Assert.Equal((0.0, "refusal"), (refusal[EvaluationNames.Answer].Score!.Value, refusal[EvaluationNames.Answer].Label));
        Assert.Equal(0.0, (await AnnotationsOfAsync("offtopic"))[EvaluationNames.Groundedness].Score);
        Assert.Empty(await AnnotationsOfAsync("no-content"));
        Assert.Empty(await AnnotationsOfAsync("judge")); // the judge's own calls are never judged
        Assert.Equal(3, judge.Requests.Count);
    }

    [Fact]
    public async Task A_second_run_finds_nothing_new_and_cost_per_quality_reflects_the_scores()
    {
        var evaluation = Create(judge: null);
        await evaluation.RunOnceAsync(Ct);

        var second = await evaluation.RunOnceAsync(Ct);

        Assert.Equal(0, second.Evaluated);
        var rows = await _server.Client.GetFromJsonAsync<List<CostRow>>(
            $"/api/annotations/aggregates/cost-per-quality?name={EvaluationNames.Groundedness}&by=feature", Ct);
        var ask = rows!.Single(r => r.Key == "ask");
        Assert.Equal((3L, 2L), (ask.Calls, ask.ScoredCalls)); // grounded, refusal scored; no-content not
        Assert.Equal(0.0, rows!.Single(r => r.Key == "summarise").MeanScore);
        Assert.Null(rows!.Single(r => r.Key == "summarise").CostPerQualityUsd); // a mean of zero buys nothing
        Assert.DoesNotContain(EvaluationNames.Quality, (await AnnotationsOfAsync("grounded")).Keys); // no judge configured
    }

    [Fact]
    public async Task The_sample_rate_and_the_budget_limit_what_is_judged()
    {
        var none = await Create(null, o => o.SampleRate = 0).RunOnceAsync(Ct);
        var budget = await Create(null, o => o.MaxEvaluationsPerHour = 1).RunOnceAsync(Ct);

        Assert.Equal((0, 4), (none.Evaluated, none.SampledOut));
        Assert.Equal((1, true), (budget.Evaluated, budget.BudgetExhausted));
    }

    [Fact]
    public async Task Only_the_configured_features_are_judged()
    {
        var summary = await Create(null, o => o.Features = ["summarise"]).RunOnceAsync(Ct);

        Assert.Equal((1, 1), (summary.Candidates, summary.Evaluated));
        Assert.NotEmpty(await AnnotationsOfAsync("offtopic"));
        Assert.Empty(await AnnotationsOfAsync("grounded"));
    }

    private sealed record CostRow(string? Key, long Calls, double CostUsd, long ScoredCalls, double? MeanScore, double? CostPerQualityUsd);
}
