using System.Buffers;
using System.Text.Json;
using OpenTelemetry.Proto.Common.V1;

namespace LlmObs.Server.Normalization;

/// <summary>
/// Flattened lists, the way OpenInference and OpenLLMetry spell them: <c>{prefix}.{index}.{field}</c>
/// (e.g. <c>llm.input_messages.0.message.role</c>, <c>gen_ai.prompt.1.content</c>).
/// </summary>
internal static class IndexedAttributes
{
    // Beyond this an index is noise (or an attack), not a list a model produced.
    private const int MaxIndex = 10_000;

    /// <summary>The entries under <paramref name="prefix"/>, in index order, each as its fields without the prefix and index.</summary>
    public static SortedDictionary<int, Dictionary<string, AnyValue>> Group(SpanAttributes attributes, string prefix)
    {
        var groups = new SortedDictionary<int, Dictionary<string, AnyValue>>();
        foreach (var (key, value) in attributes.All)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal) || key.Length <= prefix.Length + 2 || key[prefix.Length] != '.')
            {
                continue;
            }

            var rest = key.AsSpan(prefix.Length + 1);
            var dot = rest.IndexOf('.');
            if (dot <= 0 || !int.TryParse(rest[..dot], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) || index > MaxIndex)
            {
                continue;
            }

            if (!groups.TryGetValue(index, out var fields))
            {
                groups[index] = fields = new Dictionary<string, AnyValue>(StringComparer.Ordinal);
            }

            fields[rest[(dot + 1)..].ToString()] = value;
        }

        return groups;
    }

    /// <summary>The entries under <paramref name="prefix"/> as a JSON array of <c>{"role","content"}</c> messages, or null when there are none.</summary>
    public static string? Messages(SpanAttributes attributes, string prefix, string roleField, string contentField)
    {
        var groups = Group(attributes, prefix);
        if (groups.Count == 0)
        {
            return null;
        }

        var messages = new MessageList();
        foreach (var fields in groups.Values)
        {
            messages.Add(AttributeValue.AsString(fields.GetValueOrDefault(roleField)), fields.GetValueOrDefault(contentField));
        }

        return messages.ToJson();
    }
}

/// <summary>Builds the canonical message-list JSON, <c>[{"role":…,"content":…}]</c>, from whatever pieces a convention has.</summary>
internal sealed class MessageList
{
    private readonly List<(string? Role, AnyValue? Content)> _messages = [];

    public int Count => _messages.Count;

    public void Add(string? role, AnyValue? content) => _messages.Add((role, content));

    public string? ToJson()
    {
        if (_messages.Count == 0)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var (role, content) in _messages)
            {
                writer.WriteStartObject();
                if (role is not null)
                {
                    writer.WriteString("role", role);
                }

                if (content is not null)
                {
                    writer.WritePropertyName("content");
                    Ingest.OtlpJson.WriteValue(writer, content);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
