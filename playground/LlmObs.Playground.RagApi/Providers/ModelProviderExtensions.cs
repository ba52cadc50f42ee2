using System.ClientModel;
using LlmObs.Playground.RagApi.Retrieval;
using LlmObs.Playground.RagApi.Simulation;
using LlmObs.Tracing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenAI;

namespace LlmObs.Playground.RagApi.Providers;

/// <summary>Registers the chat client and embedding generators: OpenAI when a key is configured, the offline simulation otherwise.</summary>
internal static class ModelProviderExtensions
{
    private const string AskFeature = "ask";
    private const string IndexingFeature = "index_handbook";

    public static IHostApplicationBuilder AddModelProviders(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var enableSensitiveData = configuration.GetValue<bool>("Tracing:EnableSensitiveData");

        Func<IServiceProvider, IChatClient> chatClient;
        Func<IServiceProvider, IEmbeddingGenerator<string, Embedding<float>>> embeddingGenerator;

        if (OpenAIConnection.FromConfiguration(configuration) is { } openAI)
        {
            var chatModel = configuration["OpenAI:ChatModel"] is { Length: > 0 } c ? c : SimulatedChatClient.DefaultModelId;
            var embeddingModel = configuration["OpenAI:EmbeddingModel"] is { Length: > 0 } e ? e : SimulatedEmbeddingGenerator.DefaultModelId;

            builder.Services.AddSingleton(_ => new OpenAIClient(
                new ApiKeyCredential(openAI.ApiKey),
                new OpenAIClientOptions { Endpoint = openAI.Endpoint }));
            chatClient = services => services.GetRequiredService<OpenAIClient>().GetChatClient(chatModel).AsIChatClient();
            embeddingGenerator = services => services.GetRequiredService<OpenAIClient>().GetEmbeddingClient(embeddingModel).AsIEmbeddingGenerator();
        }
        else
        {
            builder.Services.AddOptions<SimulationOptions>()
                .BindConfiguration(SimulationOptions.SectionName)
                .ValidateDataAnnotations()
                .ValidateOnStart();
            builder.Services.TryAddSingleton(TimeProvider.System);
            builder.Services.AddSingleton<SimulatedLatency>();
            builder.Services.AddSingleton<SimulatedChatClient>();
            builder.Services.AddSingleton<SimulatedEmbeddingGenerator>();
            chatClient = services => services.GetRequiredService<SimulatedChatClient>();
            embeddingGenerator = services => services.GetRequiredService<SimulatedEmbeddingGenerator>();
        }

        // Function invocation outside tracing: each round trip to the model is its own chat span, and tools run
        // as execute_tool spans between them.
        builder.Services.AddChatClient(chatClient)
            .UseFunctionInvocation()
            .UseLlmTracing(Tracing(AskFeature));

        builder.Services.AddEmbeddingGenerator(embeddingGenerator)
            .UseLlmTracing(Tracing(AskFeature));

        // Embedding the handbook is a cost of its own, not of answering questions: trace it under its own feature.
        builder.Services.AddKeyedEmbeddingGenerator(HandbookIndexer.EmbeddingServiceKey, embeddingGenerator)
            .UseLlmTracing(Tracing(IndexingFeature));

        return builder;

        Action<LlmTracingOptions> Tracing(string feature) => options =>
        {
            options.Feature = feature;
            options.EnableSensitiveData = enableSensitiveData;
        };
    }
}
