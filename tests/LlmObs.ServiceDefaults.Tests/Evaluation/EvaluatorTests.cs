using LlmObs.Evaluation.Evaluators;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmObs.ServiceDefaults.Tests.Evaluation;

/// <summary>The evaluators that need no model, on answers whose verdicts are known.</summary>
public sealed class EvaluatorTests
{
    private const string Refunds = "Refunds are paid within 5 business days to the original card. Annual plans are refunded pro rata.";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<NumericMetric> RunAsync(IEvaluator evaluator, string answer, params string[] documents)
    {
        var result = await evaluator.EvaluateAsync(
            [new ChatMessage(ChatRole.User, "How long do refunds take?")],
            new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)),
            additionalContext: documents.Length == 0 ? null : [new RetrievedDocumentsContext(documents)],
            cancellationToken: Ct);
        return (NumericMetric)Assert.Single(result.Metrics.Values);
    }

    [Theory]
    [InlineData("Refunds are paid within 5 business days.", 1.0)]
    [InlineData("Refunds are paid within 5 business days, by cheque from our Paris office.", 0.67)] // 6 of 9: cheque, paris, office are not in the documents
    [InlineData("Our Paris office opens at nine.", 0.0)]
    public async Task Groundedness_is_the_share_of_the_answers_content_words_found_in_the_documents(string answer, double expected)
    {
        var metric = await RunAsync(new GroundednessOverlapEvaluator(), answer, Refunds);

        Assert.Equal(expected, metric.Value!.Value, 2);
        Assert.Equal(EvaluationNames.Groundedness, metric.Name);
        Assert.Equal(expected < 0.5, metric.Interpretation!.Failed);
    }

    [Fact]
    public async Task Groundedness_without_documents_is_inconclusive_not_zero()
    {
        var metric = await RunAsync(new GroundednessOverlapEvaluator(), "Refunds take 5 days.");

        Assert.Null(metric.Value);
        Assert.Equal(EvaluationRating.Inconclusive, metric.Interpretation!.Rating);
    }

    [Theory]
    [InlineData("Refunds take 5 business days [refunds].", 1.0, "answered")]
    [InlineData("", 0.0, "empty")]
    [InlineData("   ", 0.0, "empty")]
    [InlineData("I'm sorry, but I can't help with that.", 0.0, "refusal")]
    [InlineData("The handbook excerpts I was given don't cover this, so I'd rather not guess.", 0.0, "refusal")]
    [InlineData("I have no handbook excerpts for this question, so I can't answer it without guessing.", 0.0, "refusal")]
    [InlineData("We cannot refund gift cards; other purchases are refunded in 5 days.", 1.0, "answered")]
    public async Task Empty_answers_and_refusals_score_zero(string answer, double expected, string label)
    {
        var metric = await RunAsync(new AnswerPresenceEvaluator(), answer);

        Assert.Equal(expected, metric.Value);
        Assert.Equal(label, metric.Metadata!["label"]);
    }

    [Theory]
    [InlineData("""{"refund_days": 5}""", true, null, 1.0, "ok")]
    [InlineData("```json\n{\"refund_days\": 5}\n```", true, null, 1.0, "ok")]
    [InlineData("refund_days: 5", true, null, 0.0, "invalid_json")]
    [InlineData("Refunds take five business days.", false, 10, 0.0, "too_long")]
    [InlineData("Five days.", false, 10, 1.0, "ok")]
    public async Task Format_checks_json_and_length(string answer, bool json, int? max, double expected, string label)
    {
        var metric = await RunAsync(new FormatEvaluator(new FormatRules { RequireJson = json, MaxCharacters = max }), answer);

        Assert.Equal(expected, metric.Value);
        Assert.Equal(label, metric.Metadata!["label"]);
    }

    [Fact]
    public async Task The_judge_maps_a_1_to_5_rating_to_0_to_1_and_keeps_its_reason()
    {
        var judge = new ScriptedChatClient("""Sure. {"rating": 4, "reason": "Correct but terse."}""");

        var result = await new LlmJudgeEvaluator().EvaluateAsync(
            [new ChatMessage(ChatRole.User, "How long do refunds take?")],
            new ChatResponse(new ChatMessage(ChatRole.Assistant, "5 business days.")),
            new ChatConfiguration(judge),
            [new RetrievedDocumentsContext([Refunds])],
            Ct);

        var metric = (NumericMetric)Assert.Single(result.Metrics.Values);
        Assert.Equal(0.75, metric.Value);
        Assert.Equal("Correct but terse.", metric.Reason);
        Assert.Equal("4 of 5", metric.Metadata!["label"]);
        var prompt = judge.Requests.Single().Last().Text;
        Assert.Contains("QUESTION:\nHow long do refunds take?", prompt);
        Assert.Contains(Refunds, prompt);
        Assert.Contains("ANSWER:\n5 business days.", prompt);
    }

    [Fact]
    public async Task A_judge_reply_that_is_not_a_rating_is_inconclusive()
    {
        var result = await new LlmJudgeEvaluator().EvaluateAsync(
            [new ChatMessage(ChatRole.User, "q")], new ChatResponse(new ChatMessage(ChatRole.Assistant, "a")),
            new ChatConfiguration(new ScriptedChatClient("I think it is fine.")), cancellationToken: Ct);

        var metric = (NumericMetric)Assert.Single(result.Metrics.Values);
        Assert.Null(metric.Value);
        Assert.Equal(EvaluationRating.Inconclusive, metric.Interpretation!.Rating);
        Assert.Contains(metric.Diagnostics!, d => d.Severity == EvaluationDiagnosticSeverity.Error);
    }
}

/// <summary>A chat client that answers every request with the same text and remembers what it was asked.</summary>
internal sealed class ScriptedChatClient(string reply) : IChatClient
{
    public List<List<ChatMessage>> Requests { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        lock (Requests) Requests.Add(messages.ToList());
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply))
        {
            ModelId = "gpt-4o-mini",
            Usage = new UsageDetails { InputTokenCount = 300, OutputTokenCount = 20, TotalTokenCount = 320 },
        });
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
