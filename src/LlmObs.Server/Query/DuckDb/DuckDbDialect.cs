using System.Globalization;
using LlmObs.Server.Query.Sql;

namespace LlmObs.Server.Query.DuckDb;

internal sealed class DuckDbDialect : ISqlDialect
{
    public static readonly DuckDbDialect Instance = new();

    public string Placeholder(string name) => "$" + name;

    public string JsonText(string column, string key) => $"json_extract_string({column}, '$.\"{key}\"')";

    public string JsonNumber(string column, string key) => $"TRY_CAST(json_extract_string({column}, '$.\"{key}\"') AS DOUBLE)";

    public string AsText(string column) => column;

    // contains() is a plain substring test: no LIKE wildcards to escape in what the user typed.
    public string ContainsIgnoreCase(string haystack, string needle) => $"contains(lower({haystack}), lower({needle}))";

    public string InSubquery(string column, string subquery) => $"{column} IN ({subquery})";

    public string ContainsText(string column, string constant) => $"contains({column}, '{constant}')";

    public string HashHex(string column) => column;

    public string Percentile(string expression, double fraction) =>
        $"quantile_cont({expression}, {fraction.ToString(CultureInfo.InvariantCulture)})";

    public string FirstBy(string value, string order, string filter = "TRUE") => $"arg_min({value}, {order}) FILTER (WHERE {filter})";

    public string MillisecondsBetween(string from, string to) => $"(date_diff('microsecond', {from}, {to}) / 1000.0)";
}
