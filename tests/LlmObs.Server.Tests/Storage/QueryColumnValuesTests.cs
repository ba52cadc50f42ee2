using LlmObs.Server.Storage;

namespace LlmObs.Server.Tests.Storage;

/// <summary>
/// Which forms are read in process and which are left to the engine's SQL; that the values read equal the SQL's is
/// checked against both engines in <see cref="WritePathContractTests"/>.
/// </summary>
public sealed class QueryColumnValuesTests
{
    [Theory]
    [InlineData("""{"user.id":"u","enduser.id":"e","user.hash":"h"}""", "u")]
    [InlineData("""{"enduser.id":"e","user.hash":"h"}""", "e")]
    [InlineData("""{"user.hash":"h","x":[1,{"user.id":"nested"}]}""", "h")]
    [InlineData("""{"user.id":null,"user.hash":"h"}""", "h")]
    [InlineData("""{"langfuse.user.id":"lf"}""", null)]
    [InlineData("""{"a":1}""", null)]
    public void Users_given_as_strings_are_read_in_coalesce_order(string attributes, string? user)
    {
        foreach (var dialect in Enum.GetValues<QueryColumnDialect>())
        {
            var values = QueryColumnValues.Read(attributes, dialect);
            Assert.NotNull(values);
            Assert.Equal(user, values.UserId);
        }
    }

    [Theory]
    [InlineData("""{"session.id":"s","gen_ai.conversation.id":"c"}""", "s")]
    [InlineData("""{"gen_ai.conversation.id":"c","langfuse.session.id":"lf"}""", "lf")]
    [InlineData("""{"ai.telemetry.metadata.sessionId":"v"}""", "v")]
    [InlineData("""{"session.id":null,"traceloop.association.properties.session_id":"tl"}""", "tl")]
    [InlineData("""{"gen_ai.input.messages":"my session"}""", null)]
    public void Sessions_given_as_strings_are_read_in_coalesce_order(string attributes, string? session)
    {
        foreach (var dialect in Enum.GetValues<QueryColumnDialect>())
        {
            var values = QueryColumnValues.Read(attributes, dialect);
            Assert.NotNull(values);
            Assert.Equal(session, values.SessionId);
        }
    }

    [Theory]
    [InlineData("""{"session.id":"a","session.id":"b"}""")]
    [InlineData("""{"session.id":7}""")]
    [InlineData("""{"user.id":"a","user.id":"b"}""")] // DuckDB reads the first, jsonb keeps the last
    [InlineData("""{"user.id":42}""")]
    [InlineData("""{"user.id":true}""")]
    [InlineData("""{"user.id":["a"]}""")]
    [InlineData("""{"gen_ai.response.time_to_first_chunk":1.5E-1}""")]
    [InlineData("""{"gen_ai.response.time_to_first_chunk":-0.5}""")]
    [InlineData("""{"gen_ai.response.time_to_first_chunk":true}""")]
    [InlineData("""{"gen_ai.response.time_to_first_chunk":0.1,"gen_ai.response.time_to_first_chunk":0.2}""")]
    [InlineData("""{"gen_ai.response.time_to_first_chunk":0.1234567890123456789012345}""")]
    public void Forms_the_engines_read_differently_are_left_to_the_sql(string attributes)
    {
        Assert.Null(QueryColumnValues.Read(attributes, QueryColumnDialect.DuckDb));
        Assert.Null(QueryColumnValues.Read(attributes, QueryColumnDialect.Postgres));
    }

    [Fact]
    public void Time_to_first_token_as_a_string_is_cast_by_duckdb_and_ignored_by_postgres()
    {
        const string attributes = """{"gen_ai.response.time_to_first_chunk":"0.25"}""";

        Assert.Equal(250.0, QueryColumnValues.Read(attributes, QueryColumnDialect.DuckDb)!.TtftMs);
        Assert.Equal(new QueryColumnValues(null, null), QueryColumnValues.Read(attributes, QueryColumnDialect.Postgres));
        Assert.Null(QueryColumnValues.Read("""{"gen_ai.response.time_to_first_chunk":" 1"}""", QueryColumnDialect.DuckDb));
    }

    [Fact]
    public void Time_to_first_token_in_seconds_becomes_milliseconds()
    {
        var values = QueryColumnValues.Read("""{"gen_ai.response.time_to_first_chunk":0.25,"user.id":"u"}""", QueryColumnDialect.Postgres);

        Assert.Equal(new QueryColumnValues("u", 0.25 * 1000.0), values);
    }

    [Fact]
    public void A_nul_escape_is_left_to_the_sql()
    {
        const string attributes = """{"user.id":"a\u0000b"}""";

        Assert.Null(QueryColumnValues.Read(attributes, QueryColumnDialect.Postgres));
        Assert.Null(QueryColumnValues.Read(attributes, QueryColumnDialect.DuckDb));
    }
}
