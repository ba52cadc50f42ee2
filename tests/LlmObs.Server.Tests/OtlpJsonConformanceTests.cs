using System.Net;
using System.Text.Json;
using LlmObs.Server.Tests.Infrastructure;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests;

/// <summary>OTLP/HTTP with JSON bodies (the specification's OTLP/JSON mapping), answered in JSON.</summary>
public sealed class OtlpJsonConformanceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private LlmObsServer Server => fixture.Server;

    [Fact]
    public async Task Json_export_with_hex_ids_integer_enums_and_string_int64s_is_stored_and_answered_in_json()
    {
        var traceId = Hex(NewTraceId());
        var spanId = Hex(NewSpanId());
        var parentId = Hex(NewSpanId());

        using var response = await Server.PostJsonAsync("/v1/traces", OtlpJsonRequests.Traces("json-svc", traceId, spanId, "POST /ask", parentId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LlmObsServer.JsonContentType, response.Content.Headers.ContentType?.MediaType);
        using var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.False(reply.RootElement.TryGetProperty("partialSuccess", out _));

        var span = Assert.Single((await Server.GetTraceAsync(traceId)).Spans);
        Assert.Equal(spanId, span.SpanId);
        Assert.Equal(parentId, span.ParentSpanId);
        Assert.Equal("POST /ask", span.Name);
        Assert.Equal("json-svc", span.ServiceName);
        Assert.Equal(3, span.Kind); // SPAN_KIND_CLIENT, sent as the integer 3
        Assert.Equal(2, span.StatusCode);
        Assert.Equal("upstream timed out", span.StatusMessage);
        Assert.Equal(5, span.DurationMs, 3);
        Assert.Equal(3, span.Attributes.GetProperty("retry.count").GetInt64()); // intValue sent as the string "3"
        Assert.Equal(0.25, span.Attributes.GetProperty("ratio").GetDouble());
        Assert.True(span.Attributes.GetProperty("cached").GetBoolean());
    }

    [Fact]
    public async Task Upper_case_hex_ids_are_accepted()
    {
        var traceId = Hex(NewTraceId());

        using var response = await Server.PostJsonAsync("/v1/traces", OtlpJsonRequests.Traces("json-svc", traceId.ToUpperInvariant(), Hex(NewSpanId()).ToUpperInvariant(), "GET /"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single((await Server.GetTraceAsync(traceId)).Spans);
    }

    [Fact]
    public async Task Fields_this_server_does_not_know_are_ignored()
    {
        var traceId = Hex(NewTraceId());
        var json = OtlpJsonRequests.Traces("json-svc", traceId, Hex(NewSpanId()), "GET /")
            .Replace("\"name\": \"GET /\"", "\"name\": \"GET /\", \"someFutureField\": { \"nested\": [1, 2] }", StringComparison.Ordinal);

        using var response = await Server.PostJsonAsync("/v1/traces", json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single((await Server.GetTraceAsync(traceId)).Spans);
    }

    [Fact]
    public async Task Gzip_compressed_json_is_accepted()
    {
        var traceId = Hex(NewTraceId());
        var body = System.Text.Encoding.UTF8.GetBytes(OtlpJsonRequests.Traces("json-svc", traceId, Hex(NewSpanId()), "GET /zip"));

        using var response = await Server.PostAsync("/v1/traces", Gzip(body), LlmObsServer.JsonContentType, contentEncoding: "gzip");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("GET /zip", Assert.Single((await Server.GetTraceAsync(traceId)).Spans).Name);
    }

    [Theory]
    [InlineData("{ \"resourceSpans\": [ ", "not valid JSON")]
    [InlineData("[1, 2, 3]", "an array")]
    [InlineData("{ \"resourceSpans\": \"many\" }", "wrong type")]
    [InlineData("{ \"resourceSpans\": [{ \"scopeSpans\": [{ \"spans\": [{ \"kind\": { \"value\": 2 } }] }] }] }", "enum as an object")]
    [InlineData("{ \"resourceSpans\": [{ \"scopeSpans\": [{ \"spans\": [{ \"startTimeUnixNano\": \"yesterday\" }] }] }] }", "non-numeric int64")]
    [InlineData("{ \"resourceSpans\": [{ \"scopeSpans\": [{ \"spans\": [{ \"traceId\": \"5b8efff798038103d269b633813fc60c\", \"spanId\": \"eee19b7ec3c1b174\", \"name\": \"half \\ud83d a pair\" }] }] }] }", "a string with half a surrogate pair, which UTF-8 cannot carry")]
    public async Task Malformed_json_is_rejected_with_400_and_a_json_google_rpc_Status(string json, string because)
    {
        using var response = await Server.PostJsonAsync("/v1/traces", json);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, because);
        var status = await ReadJsonStatusAsync(response);
        Assert.Equal(3, status.GetProperty("code").GetInt32()); // INVALID_ARGUMENT
        Assert.False(string.IsNullOrWhiteSpace(status.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Base64_ids_are_rejected_because_otlp_json_spells_ids_in_hex()
    {
        var traceId = NewTraceId();
        var json = OtlpJsonRequests.Traces("json-svc", Convert.ToBase64String(traceId), Hex(NewSpanId()), "GET /");

        using var response = await Server.PostJsonAsync("/v1/traces", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("traceId", (await ReadJsonStatusAsync(response)).GetProperty("message").GetString());
        Assert.Null(await Server.FindTraceAsync(Hex(traceId)));
    }

    [Fact]
    public async Task Hex_ids_of_the_wrong_length_are_counted_in_a_json_partial_success()
    {
        var traceId = Hex(NewTraceId());

        using var response = await Server.PostJsonAsync("/v1/traces", OtlpJsonRequests.Traces("json-svc", traceId[..30], Hex(NewSpanId()), "short trace id"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var partial = reply.RootElement.GetProperty("partialSuccess");
        Assert.Equal("1", partial.GetProperty("rejectedSpans").ToString()); // int64: a JSON string in proto3 JSON
        Assert.False(string.IsNullOrWhiteSpace(partial.GetProperty("errorMessage").GetString()));
    }

    [Theory]
    [InlineData("/v1/logs")]
    [InlineData("/v1/metrics")]
    public async Task Json_logs_and_metrics_are_answered_200_in_json(string path)
    {
        var json = path.EndsWith("logs", StringComparison.Ordinal)
            ? $$"""{ "resourceLogs": [{ "scopeLogs": [{ "logRecords": [{ "timeUnixNano": "1700000000000000000", "severityNumber": 9, "body": { "stringValue": "hello" }, "traceId": "{{Hex(NewTraceId())}}", "spanId": "{{Hex(NewSpanId())}}" }] }] }] }"""
            : """{ "resourceMetrics": [{ "scopeMetrics": [{ "metrics": [{ "name": "gen_ai.client.token.usage", "sum": { "aggregationTemporality": 2, "isMonotonic": true, "dataPoints": [{ "asInt": "1500", "timeUnixNano": "1700000000000000000" }] } }] }] }] }""";

        using var response = await Server.PostJsonAsync(path, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LlmObsServer.JsonContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.ValueKind);
    }

    [Theory]
    [InlineData("/v1/logs", "{ \"resourceLogs\": [{ \"scopeLogs\": [{ \"logRecords\": [{ \"timeUnixNano\": \"soon\" }] }] }] }")]
    [InlineData("/v1/metrics", "{ \"resourceMetrics\": 42 }")]
    public async Task Malformed_json_logs_and_metrics_are_rejected_with_400(string path, string json)
    {
        using var response = await Server.PostJsonAsync(path, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(3, (await ReadJsonStatusAsync(response)).GetProperty("code").GetInt32());
    }

    private static async Task<JsonElement> ReadJsonStatusAsync(HttpResponseMessage response)
    {
        Assert.Equal(LlmObsServer.JsonContentType, response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
    }
}
