using System.Diagnostics;
using LlmObs.Pricing;
using LlmObs.Redaction;
using LlmObs.Semantics;
using LlmObs.ServiceDefaults.Tests.Tracing;
using LlmObs.Tracing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit;

namespace LlmObs.ServiceDefaults.Tests.Hosting;

public sealed class ConfiguredDefaultsTests
{
    [Fact]
    public async Task Prices_aliases_content_mode_and_hash_key_come_from_configuration()
    {
        var previousPolicy = ContentPolicy.Default;
        var previousCatalog = LlmObsPricing.Catalog;
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LlmObs:Content"] = "Redacted",
                ["LlmObs:UserIdHashKey"] = "a-shared-key-of-enough-length",
                ["LlmObs:Redaction:CustomPatterns:ticket"] = @"\bTCK-\d{4}\b",
                ["LlmObs:Pricing:Models:acme-house:Input"] = "0.000004",
                ["LlmObs:Pricing:Models:acme-house:Output"] = "0.000008",
                ["LlmObs:Pricing:Aliases:prod-chat"] = "gpt-4o-mini",
            });
            builder.AddLlmObservabilityDefaults();
            var spans = new List<Activity>();
            builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
            var fake = new FakeChatClient
            {
                Respond = (_, options) => new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
                {
                    ModelId = options!.ModelId,
                    Usage = new() { InputTokenCount = 1_000, OutputTokenCount = 100 },
                },
            };
            builder.Services.AddChatClient(fake).UseLlmTracing();

            using var host = builder.Build();
            await host.StartAsync(TestContext.Current.CancellationToken);
            var client = host.Services.GetRequiredService<IChatClient>();
            using (LlmObs.Context.LlmObsContext.Begin(userId: "u-42"))
            {
                await client.GetResponseAsync("About TCK-1234", new ChatOptions { ModelId = "acme-house" }, TestContext.Current.CancellationToken);
            }

            await client.GetResponseAsync("Hi", new ChatOptions { ModelId = "prod-chat" }, TestContext.Current.CancellationToken);

            // The currency of every cost travels with the spans as a resource attribute, beside the host's own.
            var resource = host.Services.GetRequiredService<TracerProvider>().GetResource();
            Assert.Contains(resource.Attributes, a => a.Key == LlmObsAttributes.CostCurrency && Equals(a.Value, "USD"));
            Assert.Contains(resource.Attributes, a => a.Key == "service.name");
            await host.StopAsync(TestContext.Current.CancellationToken);

            var acme = Assert.Single(spans, s => s.DisplayName == "chat acme-house");
            Assert.Equal(1_000 * 4e-6 + 100 * 8e-6, acme.Number(GenAiAttributes.UsageCost), 1e-12);
            Assert.Equal("litellm-2026-07-24+overrides", acme.Tag(LlmObsAttributes.CostCatalog));
            Assert.Equal(new UserIdRedactor("a-shared-key-of-enough-length").Hash("u-42"), acme.Tag(LlmObsAttributes.UserHash));
            Assert.Contains("About [REDACTED:ticket]", (string)acme.Tag(GenAiAttributes.InputMessages)!, StringComparison.Ordinal);

            var alias = Assert.Single(spans, s => s.DisplayName == "chat prod-chat");
            Assert.Equal(1_000 * 1.5e-7 + 100 * 6e-7, alias.Number(GenAiAttributes.UsageCost), 1e-12);
        }
        finally
        {
            ContentPolicy.Default = previousPolicy;
            LlmObsPricing.Catalog = previousCatalog;
        }
    }

    [Fact]
    public void Without_configuration_content_is_redacted_in_development_and_off_elsewhere()
    {
        Assert.Equal(ContentMode.Redacted, ContentPolicy.DefaultMode(isDevelopment: true));
        Assert.Equal(ContentMode.Off, ContentPolicy.DefaultMode(isDevelopment: false));
    }

    [Fact]
    public void A_configured_price_for_an_unknown_model_needs_an_input_price()
    {
        var options = new PricingOptions { Models = { ["acme-x"] = new ModelPriceOverride { Output = 1e-6 } } };
        Assert.Throws<InvalidOperationException>(() => options.ApplyTo(PriceCatalog.Default));
    }
}
