namespace LlmObs.Server.Query.Sql;

/// <summary>
/// The few places where DuckDB's and PostgreSQL's SQL differ. Everything else in <see cref="SpanSql"/> is
/// SQL both engines accept. Arguments are SQL fragments the query builder wrote itself, never user input.
/// </summary>
internal interface ISqlDialect
{
    /// <summary>The placeholder for parameter <paramref name="name"/> (<c>$p0</c>, <c>@p0</c>).</summary>
    string Placeholder(string name);

    /// <summary>A string-valued key of a JSON attributes column; <paramref name="key"/> is a constant.</summary>
    string JsonText(string column, string key);

    /// <summary>A number-valued key of a JSON attributes column, as a double; null when absent or not a number.</summary>
    string JsonNumber(string column, string key);

    /// <summary>The JSON column as text, for substring search.</summary>
    string AsText(string column);

    /// <summary>True when <paramref name="needle"/> occurs in <paramref name="haystack"/>, ignoring case, with no wildcards.</summary>
    string ContainsIgnoreCase(string haystack, string needle);

    /// <summary>True when <paramref name="column"/> is among the values an uncorrelated, selective <paramref name="subquery"/> returns.</summary>
    string InSubquery(string column, string subquery);

    /// <summary>True when the text column contains <paramref name="constant"/> (a constant of ours, case-sensitive).</summary>
    string ContainsText(string column, string constant);

    /// <summary>A content hash column as the lowercase hex that spans' <c>content_refs</c> name it by.</summary>
    string HashHex(string column);

    /// <summary>The continuous percentile <paramref name="fraction"/> of <paramref name="expression"/> (NULLs ignored).</summary>
    string Percentile(string expression, double fraction);

    /// <summary>The value of <paramref name="value"/> on the row with the least <paramref name="order"/> among rows matching <paramref name="filter"/>.</summary>
    string FirstBy(string value, string order, string filter = "TRUE");

    /// <summary>Milliseconds from timestamp <paramref name="from"/> to timestamp <paramref name="to"/>, as a double.</summary>
    string MillisecondsBetween(string from, string to);
}
