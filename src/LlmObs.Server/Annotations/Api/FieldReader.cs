using System.Text.Json;

namespace LlmObs.Server.Annotations.Api;

/// <summary>
/// Reads the fields of one JSON object and collects what is wrong with them under the field's path (e.g.
/// <c>data[2].result.score</c>), so a client sees every mistake of a request at once.
/// </summary>
internal sealed class FieldReader(JsonElement element, string prefix, Dictionary<string, List<string>> errors)
{
    public bool IsObject => element.ValueKind == JsonValueKind.Object;

    public JsonElement Element => element;

    public void Error(string field, string message)
    {
        var key = Path(field);
        if (!errors.TryGetValue(key, out var list))
        {
            errors[key] = list = [];
        }

        list.Add(message);
    }

    /// <summary>The first of <paramref name="names"/> present and not null (APIs differ in camel and snake case).</summary>
    public JsonElement? Find(params string[] names)
    {
        if (!IsObject)
        {
            return null;
        }

        foreach (var name in names)
        {
            if (element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return value;
            }
        }

        return null;
    }

    public string? String(string name, int maxLength, bool required = false, params string[] aliases)
    {
        var value = Find([name, .. aliases]);
        if (value is null)
        {
            if (required)
            {
                Error(name, $"{name} is required.");
            }

            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.String)
        {
            Error(name, $"{name} must be a string.");
            return null;
        }

        var text = value.Value.GetString()!;
        if (required && string.IsNullOrWhiteSpace(text))
        {
            Error(name, $"{name} must not be empty.");
            return null;
        }

        if (text.Length > maxLength)
        {
            Error(name, $"{name} is longer than {maxLength} characters.");
            return null;
        }

        return text;
    }

    public double? Number(string name, params string[] aliases)
    {
        var value = Find([name, .. aliases]);
        if (value is null)
        {
            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.Number || !value.Value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            Error(name, $"{name} must be a finite number.");
            return null;
        }

        return number;
    }

    /// <summary>A JSON object kept as its text (metadata); anything else is an error.</summary>
    public string? ObjectText(string name, int maxLength)
    {
        var value = Find(name);
        if (value is null)
        {
            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.Object)
        {
            Error(name, $"{name} must be a JSON object.");
            return null;
        }

        var text = value.Value.GetRawText();
        if (text.Length > maxLength)
        {
            Error(name, $"{name} is longer than {maxLength} characters of JSON.");
            return null;
        }

        return text;
    }

    public FieldReader Child(string name) => new(Find(name) ?? default, Path(name), errors);

    private string Path(string field) => prefix.Length == 0 ? field : $"{prefix}.{field}";
}

/// <summary>The errors of one request, as the <c>errors</c> member of a validation problem.</summary>
internal sealed class RequestErrors
{
    public Dictionary<string, List<string>> Fields { get; } = new(StringComparer.Ordinal);

    public bool Any => Fields.Count > 0;

    public FieldReader Reader(JsonElement element, string prefix) => new(element, prefix, Fields);

    public Dictionary<string, string[]> ToDictionary() => Fields.ToDictionary(f => f.Key, f => f.Value.ToArray());

    /// <summary>The errors under one prefix (one event of a batch), as a sentence.</summary>
    public string Describe() => string.Join(" ", Fields.SelectMany(f => f.Value));
}
