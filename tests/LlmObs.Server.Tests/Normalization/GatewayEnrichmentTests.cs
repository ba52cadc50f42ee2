using System.Net;
using LlmObs.Pricing;
using LlmObs.Server.Forwarding;
using LlmObs.Server.Ingest;
using LlmObs.Server.Normalization;
using LlmObs.Server.Tests.Infrastructure;
using OpenTelemetry.Proto.Trace.V1;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests.Normalization;

/// <summary>
/// The gateway gives spans from other conventions the gen_ai.* names and cost the Aspire dashboard's GenAI view
/// reads, in the forwarded copy only; the stored copy stays as the sender sent it.
/// </summary>
public sealed class GatewayEnrichmentTests : IAsyncDisposable
{
    private readonly LlmSpanNormalizer _normalizer = new(PriceCatalog.Default);
    private readonly TempDirectory _upstreamData = new();
    private readonly TempDirectory _downstreamData = new();
    private readonly List<LlmObsServer> _servers = [];

    private Span Enrich(ConventionSpan builder, out bool changed)
    {
        var span = builder.Build();
        changed = new GatewayEnricher().Enrich([new NormalizedSpan(span, _normalizer.Normalize(span))]);
        return span;
    }

    private static string? ValueOf(Span span, string key) =>
        span.Attributes.LastOrDefault(a => a.Key == key)?.Value is { } v
            ? v.ValueCase switch
            {
                OpenTelemetry.Proto.Common.V1.AnyValue.ValueOneofCase.IntValue => v.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                OpenTelemetry.Proto.Common.V1.AnyValue.ValueOneofCase.DoubleValue => v.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => v.StringValue,
            }
            : null;

    [Fact]
    public void OpenInference_span_gets_gen_ai_names_and_the_server_computed_cost()
    {
        var span = Enrich(new ConventionSpan("ChatCompletion")
            .With("openinference.span.kind", "LLM")
            .With("llm.model_name", "gpt-4o-mini")
            .With("llm.provider", "openai")
            .With("llm.token_count.prompt", 2000)
            .With("llm.token_count.completion", 100), out var changed);

        Assert.True(changed);
        Assert.Equal("chat", ValueOf(span, "gen_ai.operation.name"));
        Assert.Equal("openai", ValueOf(span, "gen_ai.provider.name"));
        Assert.Equal("gpt-4o-mini", ValueOf(span, "gen_ai.request.model"));
        Assert.Equal("2000", ValueOf(span, "gen_ai.usage.input_tokens"));
        Assert.Equal("100", ValueOf(span, "gen_ai.usage.output_tokens"));
        Assert.NotNull(ValueOf(span, "llmobs.cost.total"));
        Assert.Equal(ValueOf(span, "llmobs.cost.total"), ValueOf(span, "gen_ai.usage.cost"));
        Assert.Equal("USD", ValueOf(span, "llmobs.cost.currency"));
        Assert.Equal("computed", ValueOf(span, "llmobs.cost.source"));
    }

    [Fact]
    public void Langfuse_generation_without_a_provider_gets_one_from_its_model_so_the_dashboard_opens_its_genai_view()
    {
        var span = Enrich(new ConventionSpan("generation")
            .With("langfuse.observation.type", "generation")
            .With("langfuse.observation.model.name", "claude-3-5-haiku-20241022")
            .With("langfuse.observation.usage_details", """{"input":100,"output":20}"""), out _);

        Assert.Equal("anthropic", ValueOf(span, "gen_ai.provider.name"));
        Assert.Equal("100", ValueOf(span, "gen_ai.usage.input_tokens"));
    }

    [Fact]
    public void A_senders_own_attributes_are_never_overwritten_and_a_genai_span_only_gains_its_cost()
    {
        var openInference = Enrich(new ConventionSpan("ChatCompletion")
            .With("openinference.span.kind", "LLM")
            .With("llm.model_name", "gpt-4o-mini")
            .With("gen_ai.request.model", "as-sent")
            .With("llm.token_count.prompt", 10), out _);
        var genAi = Enrich(new ConventionSpan("chat gpt-4o-mini")
            .With("gen_ai.operation.name", "chat")
            .With("gen_ai.provider.name", "openai")
            .With("gen_ai.request.model", "gpt-4o-mini")
            .With("gen_ai.usage.input_tokens", 10)
            .With("gen_ai.usage.output_tokens", 1), out var genAiChanged);
        var priced = Enrich(new ConventionSpan("chat gpt-4o-mini")
            .With("gen_ai.operation.name", "chat")
            .With("gen_ai.provider.name", "openai")
            .With("gen_ai.request.model", "gpt-4o-mini")
            .With("llmobs.cost.total", 0.5), out var pricedChanged);

        Assert.Single(openInference.Attributes, a => a.Key == "gen_ai.request.model");
        Assert.Equal("as-sent", ValueOf(openInference, "gen_ai.request.model"));
        Assert.True(genAiChanged);
        Assert.Equal(["llmobs.cost.total", "gen_ai.usage.cost"], genAi.Attributes.Skip(5).Take(2).Select(a => a.Key));
        Assert.False(pricedChanged && priced.Attributes.Count(a => a.Key == "llmobs.cost.total") > 1);
    }

    [Fact]
    public async Task The_forwarded_copy_is_enriched_and_the_stored_copy_is_not()
    {
        var downstream = Track(LlmObsServer.StartOnKestrel(_downstreamData.Path));
        var gateway = Track(LlmObsServer.StartInMemory(_upstreamData.Path, new Dictionary<string, string?>
        {
            ["LlmObs:Forward:Endpoint"] = downstream.BaseAddress.AbsoluteUri,
            ["LlmObs:Forward:Protocol"] = "http/protobuf",
        }));
        var traceId = NewTraceId();
        var request = Request("phoenix-app", Span(traceId, NewSpanId(), "ChatCompletion", null,
            Attribute("openinference.span.kind", "LLM"),
            Attribute("llm.model_name", "gpt-4o-mini"),
            Attribute("llm.provider", "openai"),
            Attribute("llm.token_count.prompt", 2000),
            Attribute("llm.token_count.completion", 100)));

        using var response = await gateway.PostTracesAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var forwarded = await Poll.UntilAsync(() => downstream.FindTraceAsync(Hex(traceId)), TimeSpan.FromSeconds(10));
        Assert.NotNull(forwarded);
        var forwardedSpan = Assert.Single(forwarded.Spans);
        Assert.Equal("openai", forwardedSpan.Attributes.GetProperty("gen_ai.provider.name").GetString());
        Assert.True(forwardedSpan.Attributes.GetProperty("llmobs.cost.total").GetDouble() > 0);

        var stored = Assert.Single((await gateway.GetTraceAsync(Hex(traceId))).Spans);
        Assert.False(stored.Attributes.TryGetProperty("gen_ai.provider.name", out _));
        Assert.Equal("server", stored.Llm?.CostSource);
        Assert.Equal(forwardedSpan.Attributes.GetProperty("llmobs.cost.total").GetDouble(), stored.Llm!.CostUsd!.Value, 9);
    }

    private LlmObsServer Track(LlmObsServer server)
    {
        _servers.Add(server);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Enumerable.Reverse(_servers))
        {
            await server.DisposeAsync();
        }

        _upstreamData.Dispose();
        _downstreamData.Dispose();
    }
}
