using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmObs.ServiceDefaults.Tests.Tracing;

/// <summary>A provider that answers from a script: a response, streamed chunks, or a failure.</summary>
internal sealed class FakeChatClient : IChatClient
{
    public string Provider { get; init; } = "openai";

    public string DefaultModel { get; init; } = "gpt-4o-mini";

    public Func<IEnumerable<ChatMessage>, ChatOptions?, ChatResponse> Respond { get; set; } =
        (_, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { ModelId = "gpt-4o-mini" };

    /// <summary>Chunks to stream; an exception in the list is thrown when reached.</summary>
    public List<object> Chunks { get; } = [];

    /// <summary>Called before each chunk is yielded, with its index.</summary>
    public Action<int>? BeforeChunk { get; set; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(Respond(messages, options));

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < Chunks.Count; i++)
        {
            await Task.Yield();
            BeforeChunk?.Invoke(i);
            cancellationToken.ThrowIfCancellationRequested();
            switch (Chunks[i])
            {
                case Exception e: throw e;
                case ChatResponseUpdate u: yield return u; break;
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata(Provider, new Uri("https://api.example.test/v1"), DefaultModel)
        : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    public static ChatResponseUpdate Text(string text, string model = "gpt-4o-mini") =>
        new(ChatRole.Assistant, text) { ModelId = model };

    public static ChatResponseUpdate Usage(long input, long output, long? cached = null, long? reasoning = null) =>
        new(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = input, OutputTokenCount = output, CachedInputTokenCount = cached, ReasoningTokenCount = reasoning })]);
}
