using System.Net;
using System.Text;
using LlmObs.Playground.RagApi.Retrieval;
using Microsoft.Extensions.AI;

namespace LlmObs.Playground.RagApi.Summarising;

/// <summary>
/// Summarises a support ticket for the next agent: retrieves the handbook pages the ticket is about, then asks the
/// model (the same one <c>/ask</c> uses) for a short summary grounded in them. No tools: a summary quotes policy,
/// it does not look up live prices.
/// </summary>
internal sealed class TicketSummariser(IChatClient chatClient, HandbookRetriever retriever)
{
    public const int TopK = 3;

    private const string SystemPrompt = """
        You are Tide, Tidewater's support assistant. You summarise a customer's support ticket for the agent who picks
        it up next. Write at most three sentences: what the customer needs, then what the handbook says applies, citing
        the handbook pages you used by id in square brackets. Use only the handbook excerpts given; never promise a
        refund, credit or date the handbook does not state. If no excerpt applies, say so.
        """;

    public Task<IReadOnlyList<ScoredDocument>> RetrieveAsync(string ticket, CancellationToken cancellationToken) =>
        retriever.RetrieveAsync(ticket, TopK, cancellationToken);

    public Task<ChatResponse> SummariseAsync(string ticket, IReadOnlyList<ScoredDocument> documents, CancellationToken cancellationToken)
    {
        var user = new StringBuilder("Handbook excerpts:\n\n");
        foreach (var (document, _) in documents)
        {
            user.Append($"<document id=\"{WebUtility.HtmlEncode(document.Id)}\" title=\"{WebUtility.HtmlEncode(document.Title)}\">\n")
                .Append(document.Text)
                .Append("\n</document>\n\n");
        }

        user.Append("Ticket: ").Append(ticket);
        List<ChatMessage> messages = [new(ChatRole.System, SystemPrompt), new(ChatRole.User, user.ToString())];
        return chatClient.GetResponseAsync(messages, new ChatOptions { Temperature = 0.1f, MaxOutputTokens = 300 }, cancellationToken);
    }
}
