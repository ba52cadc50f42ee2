using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LlmObs.Server.Storage;

/// <summary>
/// The values of a span's <c>user_id</c>, <c>ttft_ms</c> and <c>session_id</c> columns, read from its attributes JSON in process at ingest
/// (on the request's thread) instead of by the engine's SQL expressions
/// (<see cref="Query.Sql.SpanSql.QueryColumnExpressions"/>) on the single writer.
/// </summary>
/// <remarks>
/// The two engines' expressions disagree in edge cases: duplicate keys (DuckDB reads the first, PostgreSQL's jsonb the
/// last), time to first token as a string (DuckDB casts it, PostgreSQL's expression only takes JSON numbers), number
/// formatting, escapes. <see cref="Read"/> decides only the forms whose value is beyond doubt for the engine asked for
/// and returns null for the rest; such a row is then filled by the SQL expression as before, so every row gets exactly
/// what the SQL would give it.
/// </remarks>
internal sealed record QueryColumnValues(string? UserId, double? TtftMs, string? SessionId = null)
{
    private static readonly QueryColumnValues Neither = new(null, null);

    // In SpanSql.UserExpression's coalesce order.
    private static readonly byte[][] UserKeys = ["user.id"u8.ToArray(), "enduser.id"u8.ToArray(), "user.hash"u8.ToArray()];
    private static readonly byte[] TtftKey = "gen_ai.response.time_to_first_chunk"u8.ToArray();

    // In SpanSql.SessionKeys' order; KeyIndex numbers them after the user keys and the TTFT key.
    private static readonly byte[][] SessionKeys = [.. Query.Sql.SpanSql.SessionKeys.Select(Encoding.UTF8.GetBytes)];
    private static readonly int FirstSessionKey = UserKeys.Length + 1;

    // Longer decimal numbers are left to SQL; time to first token never needs them.
    private const int MaxNumberLength = 24;

    /// <summary>The values the engine's SQL would store for <paramref name="attributes"/>, or null when the SQL must decide.</summary>
    public static QueryColumnValues? Read(string attributes, QueryColumnDialect dialect)
    {
        // The same guards as the SQL: the JSON is parsed only when its text mentions a key.
        var wantsUser = attributes.Contains("user.id", StringComparison.Ordinal) || attributes.Contains("user.hash", StringComparison.Ordinal);
        var wantsTtft = attributes.Contains("time_to_first_chunk", StringComparison.Ordinal);
        var wantsSession = attributes.Contains("session", StringComparison.Ordinal) || attributes.Contains("conversation.id", StringComparison.Ordinal);
        if (!wantsUser && !wantsTtft && !wantsSession)
        {
            return Neither;
        }

        // PostgreSQL's jsonb rejects \u0000, failing the statement, and DuckDB's strings stop at NUL in places: left to the SQL, as before.
        if (attributes.Contains("\\u0000", StringComparison.Ordinal))
        {
            return null;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(attributes.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(attributes, rented);
            return Parse(rented.AsSpan(0, length), dialect, wantsUser, wantsTtft, wantsSession);
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static QueryColumnValues? Parse(ReadOnlySpan<byte> utf8, QueryColumnDialect dialect, bool wantsUser, bool wantsTtft, bool wantsSession)
    {
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var users = new string?[UserKeys.Length];
        var sessions = new string?[SessionKeys.Length];
        var seen = 0; // a bit per key: UserKeys, then TtftKey, then SessionKeys
        double? ttft = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = KeyIndex(ref reader);
            if (key < 0)
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            // Duplicate keys (the engines pick different ones) and escaped keys (the SQL's text guard sees the escape): SQL decides.
            if ((seen & (1 << key)) != 0 || reader.ValueIsEscaped)
            {
                return null;
            }

            seen |= 1 << key;
            reader.Read();
            if (key < UserKeys.Length || key >= FirstSessionKey)
            {
                var values = key < UserKeys.Length ? users : sessions;
                var index = key < UserKeys.Length ? key : key - FirstSessionKey;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String: values[index] = reader.GetString(); break;
                    case JsonTokenType.Null: break; // ->> and json_extract_string both give NULL: coalesce moves on
                    default: return null; // numbers, booleans, arrays, objects: each engine formats them its own way
                }
            }
            else
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.Number when !reader.ValueIsEscaped && PlainDecimal(reader.ValueSpan) is { } value:
                        ttft = value * 1000.0;
                        break;
                    case JsonTokenType.Null:
                        break;
                    case JsonTokenType.String when dialect == QueryColumnDialect.Postgres:
                        break; // jsonb_typeof is 'string', not 'number': NULL
                    case JsonTokenType.String when !reader.ValueIsEscaped && reader.ValueSpan.Length == 0:
                        break; // TRY_CAST('' AS DOUBLE) is NULL
                    case JsonTokenType.String when !reader.ValueIsEscaped && PlainDecimal(reader.ValueSpan) is { } value:
                        ttft = value * 1000.0; // DuckDB: TRY_CAST of the string
                        break;
                    default:
                        return null;
                }
            }
        }

        var user = wantsUser ? users[0] ?? users[1] ?? users[2] : null;
        var session = wantsSession ? sessions.FirstOrDefault(s => s is not null) : null;
        return new QueryColumnValues(user, wantsTtft ? ttft : null, session);
    }

    private static int KeyIndex(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < UserKeys.Length; i++)
        {
            if (reader.ValueTextEquals(UserKeys[i]))
            {
                return i;
            }
        }

        if (reader.ValueTextEquals(TtftKey))
        {
            return UserKeys.Length;
        }

        for (var i = 0; i < SessionKeys.Length; i++)
        {
            if (reader.ValueTextEquals(SessionKeys[i]))
            {
                return FirstSessionKey + i;
            }
        }

        return -1;
    }

    /// <summary>
    /// digits[.digits], no sign or exponent: text every engine reads as the same decimal, and both parse to the nearest
    /// double (DuckDB through its JSON reader and cast, PostgreSQL through numeric and float8), as .NET does.
    /// </summary>
    private static double? PlainDecimal(ReadOnlySpan<byte> text)
    {
        if (text.Length is 0 or > MaxNumberLength)
        {
            return null;
        }

        var dot = text.IndexOf((byte)'.');
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? [] : text[(dot + 1)..];
        if (whole.Length == 0 || (dot >= 0 && fraction.Length == 0) || whole.ContainsAnyExceptInRange((byte)'0', (byte)'9') || fraction.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            return null;
        }

        return double.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }
}

/// <summary>Whose SQL expressions <see cref="QueryColumnValues.Read"/> reproduces.</summary>
internal enum QueryColumnDialect
{
    DuckDb,
    Postgres,
}
