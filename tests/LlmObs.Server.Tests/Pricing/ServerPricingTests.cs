using LlmObs.Server.Tests.Infrastructure;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests.Pricing;

/// <summary>Prices from the server's configuration price the spans that arrive without a cost.</summary>
public sealed class ServerPricingTests
{
    [Fact]
    public async Task Configured_model_prices_and_aliases_price_unpriced_spans()
    {
        using var directory = new TempDirectory();
        await using var server = LlmObsServer.StartInMemory(directory.Path, new Dictionary<string, string?>
        {
            ["LlmObs:Pricing:Models:acme-support-ft:Input"] = "0.000003",
            ["LlmObs:Pricing:Models:acme-support-ft:Output"] = "0.000012",
            ["LlmObs:Pricing:Aliases:prod-chat"] = "gpt-4o-mini",
        });
        var traceId = NewTraceId();
        var fineTune = Chat(traceId, "acme-support-ft", input: 1000, output: 100);
        var deployment = Chat(traceId, "prod-chat", input: 1000, output: 100);

        (await server.PostTracesAsync(Request("api", fineTune, deployment))).EnsureSuccessStatusCode();

        var spans = (await server.GetTraceAsync(Hex(traceId))).Spans.ToDictionary(s => s.SpanId);
        // 1000 × $3/M + 100 × $12/M, and gpt-4o-mini's catalog prices: 1000 × $0.15/M + 100 × $0.60/M.
        Assert.Equal(1000 * 3e-6 + 100 * 12e-6, spans[Hex(fineTune.SpanId.ToByteArray())].Llm!.CostUsd!.Value, 1e-12);
        Assert.Equal(1000 * 1.5e-7 + 100 * 6e-7, spans[Hex(deployment.SpanId.ToByteArray())].Llm!.CostUsd!.Value, 1e-12);
    }

    private static OpenTelemetry.Proto.Trace.V1.Span Chat(byte[] traceId, string model, long input, long output) =>
        Span(traceId, NewSpanId(), $"chat {model}", null,
            Attribute("gen_ai.operation.name", "chat"),
            Attribute("gen_ai.provider.name", "openai"),
            Attribute("gen_ai.request.model", model),
            Attribute("gen_ai.usage.input_tokens", input),
            Attribute("gen_ai.usage.output_tokens", output));
}
