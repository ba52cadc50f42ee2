// Builds src/LlmObs.ServiceDefaults/Pricing/price-catalog.json from the LiteLLM price table.
// Usage (from the repo root): dotnet run eng/pricing/GeneratePriceCatalog.cs -- [in.json] [out.json]
// One model per line, keys sorted, absent prices omitted: a table refresh reads as a small diff.

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

var root = FindRepoRoot();
var inputPath = args.Length > 0 ? args[0] : Path.Combine(root, "..", "shared", "data", "litellm-model-prices.json");
var outputPath = args.Length > 1 ? args[1] : Path.Combine(root, "src", "LlmObs.ServiceDefaults", "Pricing", "price-catalog.json");

using var table = JsonDocument.Parse(File.ReadAllBytes(inputPath));
var version = table.RootElement.TryGetProperty("last_updated", out var updated)
    ? DateTimeOffset.Parse(updated.GetString()!, CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
    : throw new InvalidDataException($"{inputPath} has no last_updated key.");

string[] pricedModes = ["chat", "completion", "responses", "embedding"];

// A LiteLLM key is a component, optionally above a prompt-size threshold, optionally for a service tier,
// e.g. cache_creation_input_token_cost_above_1hr_above_200k_tokens or input_cost_per_token_above_272k_tokens_priority.
var rateKey = new Regex(
    "^(?<component>input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost_above_1hr|cache_creation_input_token_cost|output_cost_per_reasoning_token)"
    + "(?:_above_(?<k>[0-9]+)k_tokens)?(?:_(?<service>batches|priority|flex))?$",
    RegexOptions.CultureInvariant);
var componentNames = new Dictionary<string, string>
{
    ["input_cost_per_token"] = "input",
    ["output_cost_per_token"] = "output",
    ["cache_read_input_token_cost"] = "cacheRead",
    ["cache_creation_input_token_cost"] = "cacheWrite",
    ["cache_creation_input_token_cost_above_1hr"] = "cacheWrite1h",
    ["output_cost_per_reasoning_token"] = "reasoning",
};

var models = new SortedDictionary<string, JsonFields>(StringComparer.Ordinal);
foreach (var entry in table.RootElement.EnumerateObject())
{
    var spec = entry.Value;
    if (spec.ValueKind != JsonValueKind.Object
        || !spec.TryGetProperty("mode", out var mode) || !pricedModes.Contains(mode.GetString())
        || !spec.TryGetProperty("input_cost_per_token", out var input) || input.ValueKind != JsonValueKind.Number)
    {
        continue;
    }

    var model = new JsonFields { ["mode"] = mode.GetString()! };
    if (spec.TryGetProperty("litellm_provider", out var provider) && provider.GetString() is { } providerName)
    {
        model["provider"] = providerName;
    }

    var tiers = new SortedDictionary<(string Service, long Above), JsonFields>();
    foreach (var field in spec.EnumerateObject())
    {
        var match = rateKey.Match(field.Name);
        if (!match.Success || field.Value.ValueKind != JsonValueKind.Number)
        {
            continue;
        }

        var above = match.Groups["k"].Success ? long.Parse(match.Groups["k"].Value, CultureInfo.InvariantCulture) * 1000 : 0;
        var service = match.Groups["service"].Success ? match.Groups["service"].Value.Replace("batches", "batch") : "";
        var target = model;
        if (above > 0 || service.Length > 0)
        {
            if (!tiers.TryGetValue((service, above), out target))
            {
                tiers[(service, above)] = target = [];
                if (above > 0)
                {
                    target["above"] = above;
                }

                if (service.Length > 0)
                {
                    target["service"] = service;
                }
            }
        }

        target[componentNames[match.Groups["component"].Value]] = field.Value.GetDouble();
    }

    // DeepSeek entries name their cache-read price differently; without it cached tokens would be billed as fresh input.
    if (!model.ContainsKey("cacheRead") && spec.TryGetProperty("input_cost_per_token_cache_hit", out var cacheHit) && cacheHit.ValueKind == JsonValueKind.Number)
    {
        model["cacheRead"] = cacheHit.GetDouble();
    }

    if (tiers.Count > 0)
    {
        model["tiers"] = tiers.Values.ToArray();
    }

    models[entry.Name] = model;
}

var json = new StringBuilder($"{{\"source\":\"litellm\",\"version\":\"{version}\",\"models\":{{");
var separator = "\n";
foreach (var (name, model) in models)
{
    json.Append(separator).Append(ToJson(name)).Append(':').Append(ToJson(model));
    separator = ",\n";
}

json.Append("\n}}\n");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
File.WriteAllText(outputPath, json.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
Console.WriteLine($"{models.Count} models, litellm {version} -> {outputPath}");

static string ToJson(object value)
{
    using var buffer = new MemoryStream();
    using (var writer = new Utf8JsonWriter(buffer))
    {
        Write(writer, value);
    }

    return Encoding.UTF8.GetString(buffer.ToArray());
}

static void Write(Utf8JsonWriter writer, object value)
{
    switch (value)
    {
        case string text:
            writer.WriteStringValue(text);
            break;
        case double number:
            writer.WriteNumberValue(number);
            break;
        case long number:
            writer.WriteNumberValue(number);
            break;
        case JsonFields fields:
            writer.WriteStartObject();
            foreach (var (name, field) in fields)
            {
                writer.WritePropertyName(name);
                Write(writer, field);
            }

            writer.WriteEndObject();
            break;
        case JsonFields[] items:
            writer.WriteStartArray();
            foreach (var item in items)
            {
                Write(writer, item);
            }

            writer.WriteEndArray();
            break;
    }
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "LlmObs.sln")))
        {
            return dir.FullName;
        }
    }

    return Environment.CurrentDirectory;
}

/// <summary>A JSON object whose keys are written in ordinal order.</summary>
sealed class JsonFields() : SortedDictionary<string, object>(StringComparer.Ordinal);
