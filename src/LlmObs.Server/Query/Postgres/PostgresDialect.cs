using System.Globalization;
using LlmObs.Server.Query.Sql;

namespace LlmObs.Server.Query.Postgres;

internal sealed class PostgresDialect : ISqlDialect
{
    public static readonly PostgresDialect Instance = new();

    public string Placeholder(string name) => "@" + name;

    // ::jsonb works whether the column is text, json or jsonb.
    public string JsonText(string column, string key) => $"({column}::jsonb ->> '{key}')";

    public string JsonNumber(string column, string key) =>
        $"(CASE WHEN jsonb_typeof({column}::jsonb -> '{key}') = 'number' THEN ({column}::jsonb ->> '{key}')::double precision END)";

    public string AsText(string column) => $"{column}::text";

    // strpos() is a plain substring test: no LIKE wildcards to escape in what the user typed.
    public string ContainsIgnoreCase(string haystack, string needle) => $"(strpos(lower({haystack}), lower({needle})) > 0)";

    // As an array the subquery runs once, before the scan, which then tests each row against it; as IN (…) the planner
    // chose a hash semi-join that scanned both sides at once (5–9 s instead of 1.2 s for one session over 30 days of 2M spans).
    public string InSubquery(string column, string subquery) => $"{column} = ANY(ARRAY({subquery}))";

    public string ContainsText(string column, string constant) => $"(strpos({column}, '{constant}') > 0)";

    public string HashHex(string column) => $"encode({column}, 'hex')";

    public string Percentile(string expression, double fraction) =>
        $"percentile_cont({fraction.ToString(CultureInfo.InvariantCulture)}) WITHIN GROUP (ORDER BY {expression})";

    public string FirstBy(string value, string order, string filter = "TRUE") => $"((array_agg({value} ORDER BY {order}) FILTER (WHERE {filter}))[1])";

    public string MillisecondsBetween(string from, string to) => $"(extract(epoch FROM ({to} - {from})) * 1000.0)";
}
