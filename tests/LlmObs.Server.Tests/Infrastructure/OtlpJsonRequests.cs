namespace LlmObs.Server.Tests.Infrastructure;

/// <summary>
/// OTLP/JSON bodies written out by hand, in the shape of the specification's examples and of what JavaScript SDKs
/// (Langfuse JS v5 among them) send: hex ids, enums as integers, 64-bit integers as strings.
/// </summary>
public static class OtlpJsonRequests
{
    public static string Traces(string serviceName, string traceIdHex, string spanIdHex, string name, string? parentSpanIdHex = null,
        string extraAttributes = "", string extraResourceAttributes = "")
    {
        var start = (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        return $$"""
            {
              "resourceSpans": [{
                "resource": { "attributes": [ { "key": "service.name", "value": { "stringValue": "{{serviceName}}" } }{{extraResourceAttributes}} ] },
                "scopeSpans": [{
                  "scope": { "name": "json.tests", "version": "1.0.0" },
                  "spans": [{
                    "traceId": "{{traceIdHex}}",
                    "spanId": "{{spanIdHex}}",
                    "parentSpanId": "{{parentSpanIdHex ?? ""}}",
                    "name": "{{name}}",
                    "kind": 3,
                    "startTimeUnixNano": "{{start}}",
                    "endTimeUnixNano": {{start + 5_000_000}},
                    "attributes": [
                      { "key": "http.request.method", "value": { "stringValue": "POST" } },
                      { "key": "retry.count", "value": { "intValue": "3" } },
                      { "key": "ratio", "value": { "doubleValue": 0.25 } },
                      { "key": "cached", "value": { "boolValue": true } }{{extraAttributes}}
                    ],
                    "status": { "code": 2, "message": "upstream timed out" }
                  }]
                }]
              }]
            }
            """;
    }

    public static string Attribute(string key, string value) =>
        $$""", { "key": "{{key}}", "value": { "stringValue": {{System.Text.Json.JsonSerializer.Serialize(value)}} } }""";

    public static string Attribute(string key, long value) => $$""", { "key": "{{key}}", "value": { "intValue": "{{value}}" } }""";

    public static string Attribute(string key, double value) =>
        $$""", { "key": "{{key}}", "value": { "doubleValue": {{value.ToString(System.Globalization.CultureInfo.InvariantCulture)}} } }""";
}
