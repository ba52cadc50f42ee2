using System.Diagnostics.Metrics;
using LlmObs.Context;
using LlmObs.Redaction;
using LlmObs.Semantics;
using LlmObs.Tracing;
using Microsoft.Extensions.AI;
using Xunit;

namespace LlmObs.ServiceDefaults.Tests.Tracing;

public sealed class EmbeddingRetrievalRerankTests
{
    private sealed class FakeEmbeddings : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(new float[] { 1, 0 }) { ModelId = "text-embedding-3-small" }))
            {
                Usage = new UsageDetails { InputTokenCount = 1_200, TotalTokenCount = 1_200 },
            });

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("openai", null, "text-embedding-3-small", 2) : null;

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task An_embedding_span_has_tokens_cost_and_feature()
    {
        using var capture = new SpanCapture();
        using var generator = new EmbeddingGeneratorBuilder<string, Embedding<float>>(new FakeEmbeddings()).UseLlmTracing(o => o.Feature = "index").Build();

        await generator.GenerateAsync(["a", "b"], cancellationToken: TestContext.Current.CancellationToken);

        var span = capture.Single("embeddings");
        Assert.Equal("embeddings text-embedding-3-small", span.DisplayName);
        Assert.Equal("openai", span.Tag(GenAiAttributes.ProviderName));
        Assert.Equal(1_200, span.Number(GenAiAttributes.InputTokens));
        Assert.Equal(1_200 * 2e-8, span.Number(GenAiAttributes.UsageCost), 1e-15);
        Assert.Equal(1_200 * 2e-8, span.Number(LlmObsAttributes.CostInput), 1e-15);
        Assert.Equal("index", span.Tag(LlmObsAttributes.Feature));
    }

    [Fact]
    public void Retrieval_and_rerank_spans_carry_query_documents_and_the_request_context()
    {
        var previous = ContentPolicy.Default;
        ContentPolicy.Default = new ContentPolicy(ContentMode.Redacted, new PiiRedactor(), previous.UserIds);
        try
        {
            using var capture = new SpanCapture();
            using (LlmObsContext.Begin(feature: "ask"))
            {
                using (var retrieval = RetrievalSpan.Start("handbook", topK: 4, queryText: "refunds for jane@example.com"))
                {
                    retrieval.RecordDocuments([new RetrievedDocument("refunds", 0.48, "refunds.md"), new RetrievedDocument("billing", 0.31)]);
                }

                using var rerank = RerankSpan.Start("rerank-v3.5", topN: 1, queryText: "refunds for jane@example.com", candidateCount: 2, dataSourceId: "handbook");
                rerank.RecordDocuments([new RetrievedDocument("refunds", 0.97, "refunds.md")]);
            }

            var span = capture.Single("retrieval");
            Assert.Equal("retrieval handbook", span.DisplayName);
            Assert.Equal("refunds for [REDACTED:email]", span.Tag(GenAiAttributes.RetrievalQueryText));
            Assert.Equal(4, span.Number(GenAiAttributes.RequestTopK));
            Assert.Equal(2, span.Number(LlmObsAttributes.ReturnedCount));
            Assert.Equal("""[{"id":"refunds","score":0.48,"source":"refunds.md"},{"id":"billing","score":0.31}]""", span.Tag(GenAiAttributes.RetrievalDocuments));
            Assert.Equal("ask", span.Tag(LlmObsAttributes.Feature));

            var reranked = capture.Single("rerank");
            Assert.Equal("rerank rerank-v3.5", reranked.DisplayName);
            Assert.Equal("rerank", reranked.Tag(GenAiAttributes.OperationName));
            Assert.Equal("rerank-v3.5", reranked.Tag(GenAiAttributes.RequestModel));
            Assert.Equal(1, reranked.Number(GenAiAttributes.RequestTopK));
            Assert.Equal(2, reranked.Number(LlmObsAttributes.RerankInputCount));
            Assert.Equal("refunds for [REDACTED:email]", reranked.Tag(GenAiAttributes.RetrievalQueryText));
            Assert.Equal("""[{"id":"refunds","score":0.97,"source":"refunds.md"}]""", reranked.Tag(GenAiAttributes.RetrievalDocuments));
        }
        finally
        {
            ContentPolicy.Default = previous;
        }
    }

    [Fact]
    public void With_content_off_the_retrieval_query_is_left_out()
    {
        var previous = ContentPolicy.Default;
        ContentPolicy.Default = new ContentPolicy(ContentMode.Off, new PiiRedactor(), previous.UserIds);
        try
        {
            using var capture = new SpanCapture();
            using (RetrievalSpan.Start("handbook", topK: 4, queryText: "secret question"))
            {
            }

            Assert.Null(capture.Single("retrieval").Tag(GenAiAttributes.RetrievalQueryText));
        }
        finally
        {
            ContentPolicy.Default = previous;
        }
    }

    [Fact]
    public async Task Cost_and_tokens_are_counted_by_model_provider_and_feature()
    {
        var measurements = new List<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == LlmObsTelemetry.SourceName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();

        var fake = new FakeChatClient
        {
            Respond = (_, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                ModelId = "gpt-4o-mini",
                Usage = new() { InputTokenCount = 1_000, CachedInputTokenCount = 200, OutputTokenCount = 100 },
            },
        };
        using var client = new ChatClientBuilder(fake).UseLlmTracing(o => o.Feature = "metrics_test").Build();
        await client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        var mine = measurements.Where(m => Equals(m.Tags.GetValueOrDefault(LlmObsAttributes.Feature), "metrics_test")).ToList();
        var cost = Assert.Single(mine, m => m.Name == "llmobs.cost");
        Assert.Equal(800 * 1.5e-7 + 200 * 7.5e-8 + 100 * 6e-7, cost.Value, 1e-12);
        Assert.Equal("openai", cost.Tags[GenAiAttributes.ProviderName]);
        Assert.Equal("gpt-4o-mini", cost.Tags[GenAiAttributes.ResponseModel]);
        Assert.Equal(1_000, Assert.Single(mine, m => m.Name == "llmobs.tokens" && Equals(m.Tags[GenAiAttributes.TokenType], "input")).Value);
        Assert.Equal(100, Assert.Single(mine, m => m.Name == "llmobs.tokens" && Equals(m.Tags[GenAiAttributes.TokenType], "output")).Value);
        Assert.Equal(200, Assert.Single(mine, m => m.Name == "llmobs.tokens" && Equals(m.Tags[GenAiAttributes.TokenType], "cache_read")).Value);
    }
}
