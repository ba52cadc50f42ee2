using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;
using System.Text;
using System.Text.Json;

namespace LlmObs.Playground.RagApi.Simulation;

/// <summary>
/// Counts tokens the way OpenAI bills them, with the o200k_base tokenizer of gpt-4o and gpt-4o-mini, so simulated
/// usage (and so cost) is what the real model would report for the same prompt, within a few tokens.
/// </summary>
internal sealed class TokenCounter
{
    // OpenAI wraps every message in <|im_start|>{role}...<|im_end|>, about 3 tokens, and primes the reply with 3 more.
    private const int TokensPerMessage = 3;
    private const int TokensPerReply = 3;

    // Tool definitions are rendered into the system message with some framing around the JSON schema.
    private const int TokensPerTool = 8;

    private static readonly Lazy<TokenCounter> Shared = new(() => new(TiktokenTokenizer.CreateForEncoding("o200k_base")));

    private readonly Tokenizer _tokenizer;

    private TokenCounter(Tokenizer tokenizer) => _tokenizer = tokenizer;

    /// <summary>The o200k_base counter. Loading the vocabulary takes a moment, so it is loaded once.</summary>
    public static TokenCounter O200k => Shared.Value;

    public int Count(string text) => _tokenizer.CountTokens(text);

    /// <summary>
    /// The token ids of a chat request, in the order the provider sees them: tool definitions, then messages.
    /// The prompt cache compares these; <see cref="PromptTokens.BilledCount"/> adds the per-message framing.
    /// </summary>
    public PromptTokens EncodePrompt(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var ids = new List<int>();
        var framing = TokensPerReply;

        foreach (var tool in options?.Tools?.OfType<AIFunctionDeclaration>() ?? [])
        {
            ids.AddRange(_tokenizer.EncodeToIds($"{tool.Name}\n{tool.Description}\n{tool.JsonSchema.GetRawText()}"));
            framing += TokensPerTool;
        }

        if (options?.Instructions is { Length: > 0 } instructions)
        {
            ids.AddRange(_tokenizer.EncodeToIds($"system\n{instructions}"));
            framing += TokensPerMessage;
        }

        foreach (var message in messages)
        {
            ids.AddRange(_tokenizer.EncodeToIds($"{message.Role.Value}\n{RenderContents(message.Contents)}"));
            framing += TokensPerMessage;
        }

        return new PromptTokens(ids, framing);
    }

    /// <summary>Tokens the model spends writing tool calls: the function name and its JSON arguments.</summary>
    public int CountToolCalls(IEnumerable<FunctionCallContent> calls) =>
        calls.Sum(call => Count(RenderContents([call])) + TokensPerMessage);

    /// <summary>
    /// Splits a completion into the chunks a streaming API would send: 1 to 4 tokens each, chosen by a seeded
    /// generator so the same answer always streams the same way. Concatenated, the chunks are exactly <paramref name="text"/>.
    /// </summary>
    public IEnumerable<(string Text, int TokenCount)> Chunk(string text)
    {
        var tokens = _tokenizer.EncodeToTokens(text, out _);
        var random = new Random((int)StableHash.Of(text));
        var start = 0;
        var index = 0;
        while (index < tokens.Count)
        {
            var take = Math.Min(random.Next(1, 5), tokens.Count - index);
            index += take;

            // Offsets of tokens that split a multi-byte character can overlap; never step backwards.
            var end = index == tokens.Count ? text.Length : Math.Max(start, tokens[index - 1].Offset.End.GetOffset(text.Length));
            yield return (text[start..end], take);
            start = end;
        }

        if (start < text.Length)
        {
            yield return (text[start..], 0);
        }
    }

    private static string RenderContents(IEnumerable<AIContent> contents)
    {
        var text = new StringBuilder();
        foreach (var content in contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case FunctionCallContent call:
                    text.Append(call.Name).Append(JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions));
                    break;
                case FunctionResultContent result:
                    text.Append(SimulatedPrompt.ResultText(result));
                    break;
            }
        }

        return text.ToString();
    }
}

/// <summary>The token ids of a chat request, and what the provider bills for it.</summary>
/// <param name="Ids">The ids of tool definitions and message contents, in order.</param>
/// <param name="FramingCount">Tokens of message framing, billed but not part of <paramref name="Ids"/>.</param>
internal sealed record PromptTokens(IReadOnlyList<int> Ids, int FramingCount)
{
    public int BilledCount => Ids.Count + FramingCount;
}
