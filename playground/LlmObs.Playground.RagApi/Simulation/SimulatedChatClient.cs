using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmObs.Playground.RagApi.Simulation;

/// <summary>
/// An offline stand-in for gpt-4o-mini: deterministic extractive answers from the prompt's context, tool calls for
/// pricing questions, token usage counted with the real tokenizer, simulated prompt caching and realistic latency.
/// It reports itself as OpenAI's gpt-4o-mini so LlmObs prices its calls from the catalog like the real thing.
/// </summary>
public sealed class SimulatedChatClient : IChatClient
{
    public const string DefaultModelId = "gpt-4o-mini";

    /// <summary>A question containing this marker fails like a rate-limited provider, to produce error spans on demand.</summary>
    public const string ErrorMarker = "[simulate-error]";

    internal static readonly Uri ProviderUri = new("https://simulated.llmobs.local/v1");

    // Stems of price/pricing/cost/"how much"/pay/fee/charge: the words that make the model reach for a pricing tool.
    // "plan" alone is not one of them: "which plans include SSO?" is not a price question.
    private static readonly HashSet<string> PricingStems = new(["pric", "cost", "much", "pay", "fee", "charg"], StringComparer.Ordinal);

    private const int MaxToolCalls = 4;

    private readonly SimulatedLatency _latency;
    private readonly TimeProvider _timeProvider;
    private readonly PromptCache _promptCache;
    private readonly ChatClientMetadata _metadata = new("openai", ProviderUri, DefaultModelId);

    public SimulatedChatClient(SimulatedLatency latency, TimeProvider timeProvider)
    {
        _latency = latency;
        _timeProvider = timeProvider;
        _promptCache = new PromptCache(timeProvider);
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var turn = await StartTurnAsync(messages, options, cancellationToken).ConfigureAwait(false);
        await _latency.OutputTokensAsync(turn.Usage.OutputTokenCount.GetValueOrDefault(), cancellationToken).ConfigureAwait(false);

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, turn.Contents) { MessageId = turn.ResponseId })
        {
            ResponseId = turn.ResponseId,
            ModelId = turn.ModelId,
            CreatedAt = turn.CreatedAt,
            FinishReason = turn.FinishReason,
            Usage = turn.Usage,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var turn = await StartTurnAsync(messages, options, cancellationToken).ConfigureAwait(false);

        if (turn.FinishReason == ChatFinishReason.ToolCalls)
        {
            // Providers stream tool calls as argument fragments that clients reassemble; one whole update is equivalent.
            await _latency.OutputTokensAsync(turn.Usage.OutputTokenCount.GetValueOrDefault(), cancellationToken).ConfigureAwait(false);
            yield return Update(turn, turn.Contents);
        }
        else
        {
            var first = true;
            foreach (var (text, tokenCount) in TokenCounter.O200k.Chunk(((TextContent)turn.Contents[0]).Text))
            {
                if (!first)
                {
                    await _latency.OutputTokensAsync(tokenCount, cancellationToken).ConfigureAwait(false);
                }

                first = false;
                yield return Update(turn, [new TextContent(text)]);
            }
        }

        // Like OpenAI with stream_options.include_usage: finish reason and usage arrive in a last update.
        var last = Update(turn, [new UsageContent(turn.Usage)]);
        last.FinishReason = turn.FinishReason;
        yield return last;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }

    /// <summary>Reads the request, decides the reply and waits the time to first token.</summary>
    private async Task<SimulatedTurn> StartTurnAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var prompt = SimulatedPrompt.Read(conversation, options);

        if (prompt.Question.Contains(ErrorMarker, StringComparison.Ordinal))
        {
            await _latency.ErrorAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException("simulated provider error: 429 rate limited", null, HttpStatusCode.TooManyRequests);
        }

        var tokens = TokenCounter.O200k;
        var promptTokens = tokens.EncodePrompt(conversation, options);
        var cachedTokens = _promptCache.ReadAndStore(promptTokens.Ids);

        IList<AIContent> contents;
        ChatFinishReason finishReason;
        int outputTokens;
        var toolCalls = PlanToolCalls(prompt);
        if (toolCalls.Count > 0)
        {
            contents = [.. toolCalls];
            finishReason = ChatFinishReason.ToolCalls;
            outputTokens = tokens.CountToolCalls(toolCalls);
        }
        else
        {
            var answer = ExtractiveAnswerWriter.Write(prompt);
            contents = [new TextContent(answer)];
            finishReason = ChatFinishReason.Stop;
            outputTokens = tokens.Count(answer);
        }

        var usage = new UsageDetails
        {
            InputTokenCount = promptTokens.BilledCount,
            CachedInputTokenCount = cachedTokens,
            OutputTokenCount = outputTokens,
            TotalTokenCount = promptTokens.BilledCount + outputTokens,
        };

        await _latency.FirstTokenAsync(cancellationToken).ConfigureAwait(false);

        return new SimulatedTurn(
            ResponseId: $"chatcmpl-sim-{Guid.NewGuid():N}"[..34],
            ModelId: options?.ModelId ?? DefaultModelId,
            CreatedAt: _timeProvider.GetUtcNow(),
            contents,
            finishReason,
            usage);
    }

    /// <summary>
    /// Calls a pricing tool when the question is about prices and no tool result is in the conversation yet:
    /// once per enum value of the tool's parameter named in the question, or once per value when none is named.
    /// </summary>
    private static List<FunctionCallContent> PlanToolCalls(SimulatedPrompt prompt)
    {
        if (prompt.ToolResults.Count > 0 || prompt.Tools.Count == 0)
        {
            return [];
        }

        var questionStems = WordStems.SetOf(prompt.Question);
        if (!questionStems.Overlaps(PricingStems))
        {
            return [];
        }

        // Like a real model, pick the tool whose name or description is about prices, and only fill arguments it can name.
        var tool = prompt.Tools.FirstOrDefault(t => WordStems.SetOf($"{t.Name} {t.Description}").Overlaps(PricingStems));
        if (tool is null || !TryGetEnumParameter(tool.JsonSchema, out var parameter, out var values))
        {
            return [];
        }

        var named = values.Where(v => WordStems.SetOf(v).Overlaps(questionStems)).ToList();
        return (named.Count > 0 ? named : values)
            .Take(MaxToolCalls)
            .Select(value => new FunctionCallContent(
                $"call_{StableHash.Of(prompt.Question + value):x16}",
                tool.Name,
                new Dictionary<string, object?> { [parameter] = value }))
            .ToList();
    }

    private static bool TryGetEnumParameter(JsonElement schema, out string parameter, out IReadOnlyList<string> values)
    {
        if (schema.ValueKind == JsonValueKind.Object
            && schema.TryGetProperty("properties", out var properties)
            && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Object
                    && property.Value.TryGetProperty("enum", out var allowed)
                    && allowed.ValueKind == JsonValueKind.Array)
                {
                    parameter = property.Name;
                    values = allowed.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList();
                    return values.Count > 0;
                }
            }
        }

        (parameter, values) = (string.Empty, []);
        return false;
    }

    private static ChatResponseUpdate Update(SimulatedTurn turn, IList<AIContent> contents) => new(ChatRole.Assistant, contents)
    {
        ResponseId = turn.ResponseId,
        MessageId = turn.ResponseId,
        ModelId = turn.ModelId,
        CreatedAt = turn.CreatedAt,
    };

    private sealed record SimulatedTurn(
        string ResponseId, string ModelId, DateTimeOffset CreatedAt, IList<AIContent> Contents, ChatFinishReason FinishReason, UsageDetails Usage);
}
