using System.Text.Json;

namespace LlmObs.Playground.RagApi.Documents;

/// <summary>Reads the handbook that ships beside the app as <c>Documents/handbook.json</c>.</summary>
internal static class HandbookFile
{
    public static string DefaultPath { get; } = Path.Combine(AppContext.BaseDirectory, "Documents", "handbook.json");

    public static async Task<IReadOnlyList<HandbookDocument>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var documents = await JsonSerializer.DeserializeAsync<List<HandbookDocument>>(stream, JsonSerializerOptions.Web, cancellationToken)
            ?? throw new InvalidDataException($"{path} holds no documents.");

        var duplicate = documents.GroupBy(d => d.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            // Ids are what answers cite and spans record: two pages with one id would make both ambiguous.
            throw new InvalidDataException($"{path} has more than one document with the id '{duplicate.Key}'.");
        }

        return documents;
    }
}
