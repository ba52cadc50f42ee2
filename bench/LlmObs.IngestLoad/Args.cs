namespace LlmObs.IngestLoad;

/// <summary><c>--name value</c> pairs.</summary>
internal sealed class Args(Dictionary<string, string> values)
{
    public static Args Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        return new Args(values);
    }

    public string? Get(string name) => values.GetValueOrDefault(name);

    public int Int(string name, int fallback) => values.TryGetValue(name, out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
