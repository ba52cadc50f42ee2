namespace LlmObs.Server.Query.Sql;

/// <summary>
/// Collects the values of one statement. Every filter value reaches the database through here, as a
/// parameter, so nothing a user types is ever part of the SQL text.
/// </summary>
internal sealed class SqlParameters(ISqlDialect dialect)
{
    private readonly List<KeyValuePair<string, object>> _values = [];

    public IReadOnlyList<KeyValuePair<string, object>> Values => _values;

    /// <summary>Adds <paramref name="value"/> and returns its placeholder.</summary>
    public string Add(object value)
    {
        var name = "p" + _values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _values.Add(new(name, value));
        return dialect.Placeholder(name);
    }
}

/// <summary>A statement ready to run: SQL text and its parameter values.</summary>
internal sealed record SqlStatement(string Text, IReadOnlyList<KeyValuePair<string, object>> Parameters);
