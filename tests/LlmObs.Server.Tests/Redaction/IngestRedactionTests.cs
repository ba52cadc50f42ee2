using System.Net;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using LlmObs.Redaction;
using LlmObs.Server.Tests.Infrastructure;
using OpenTelemetry.Proto.Trace.V1;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests.Redaction;

/// <summary>
/// <c>LlmObs:Redaction:Mode</c> through the real OTLP/HTTP receiver, for a span of every convention the normaliser
/// reads: what the store keeps, what the query API serves and the exact bytes forwarded downstream.
/// </summary>
public abstract class IngestRedactionTests(RedactionFixture fixture)
{
    private static readonly string UserHash = new UserIdRedactor(RedactionFixture.UserIdHashKey).Hash(PiiSpans.RawUserId);

    public static TheoryData<string> Conventions => [.. PiiSpans.Conventions];

    [Theory]
    [MemberData(nameof(Conventions))]
    public async Task Redacted_mode_replaces_personal_data_in_stored_and_forwarded_content_and_keeps_the_rest(string convention)
    {
        Assert.SkipWhen(fixture.Unavailable is not null, fixture.Unavailable ?? "");
        var server = await fixture.ServerAsync(ContentMode.Redacted);
        var pii = PiiSpans.Create(convention);

        var (stored, view) = await IngestAsync(server, pii.Span);

        foreach (var place in pii.Content)
        {
            AssertRedacted(Stored(stored, place), $"stored {place}");
        }

        foreach (var (key, _) in pii.UserIds)
        {
            Assert.Equal(UserHash, stored.Attributes.GetProperty(key).GetString());
        }

        foreach (var (key, value) in pii.Kept)
        {
            Assert.Equal(value, stored.Attributes.GetProperty(key).ToString());
        }

        Assert.True(stored.Attributes.GetProperty("llmobs.content.redacted_count").GetInt64() >= pii.Content.Count + pii.UserIds.Count);

        // The canonical view is read from the redacted span: its input, output, documents and tool carry no personal data.
        AssertNoPii(view.GetRawText(), "the canonical view");
        if (pii.UserIds.Count > 0)
        {
            Assert.Equal(UserHash, view.GetProperty("user").GetString());
        }

        var forwarded = await fixture.Forwarded.WaitForAsync(Hex(pii.Span.SpanId.ToByteArray()));
        AssertNoPii(Encoding.UTF8.GetString(forwarded), "the forwarded export");
        Assert.DoesNotContain(PiiSpans.RawUserId, Encoding.UTF8.GetString(forwarded));
        var forwardedSpan = Assert.Single(ForwardCapture.Spans(forwarded));
        foreach (var place in pii.Content)
        {
            AssertRedacted(Forwarded(forwardedSpan, place), $"forwarded {place}");
        }
    }

    [Theory]
    [MemberData(nameof(Conventions))]
    public async Task Raw_mode_stores_and_forwards_content_and_user_ids_as_sent(string convention)
    {
        Assert.SkipWhen(fixture.Unavailable is not null, fixture.Unavailable ?? "");
        var server = await fixture.ServerAsync(ContentMode.Raw);
        var pii = PiiSpans.Create(convention);
        var sent = pii.Span.Clone();

        var (stored, _) = await IngestAsync(server, pii.Span);

        foreach (var place in pii.Content)
        {
            Assert.Equal(Forwarded(sent, place), Stored(stored, place));
        }

        foreach (var (key, raw) in pii.UserIds)
        {
            Assert.Equal(raw, stored.Attributes.GetProperty(key).GetString());
        }

        Assert.False(stored.Attributes.TryGetProperty("llmobs.content.redacted_count", out _));

        var forwardedSpan = Assert.Single(ForwardCapture.Spans(await fixture.Forwarded.WaitForAsync(Hex(pii.Span.SpanId.ToByteArray()))));
        foreach (var place in pii.Content)
        {
            Assert.Equal(Forwarded(sent, place), Forwarded(forwardedSpan, place));
        }
    }

    [Theory]
    [MemberData(nameof(Conventions))]
    public async Task Off_mode_keeps_no_content_and_hashes_user_ids(string convention)
    {
        Assert.SkipWhen(fixture.Unavailable is not null, fixture.Unavailable ?? "");
        var server = await fixture.ServerAsync(ContentMode.Off);
        var pii = PiiSpans.Create(convention);

        var (stored, view) = await IngestAsync(server, pii.Span);

        foreach (var place in pii.Content)
        {
            Assert.Null(Stored(stored, place));
        }

        foreach (var (key, _) in pii.UserIds)
        {
            Assert.Equal(UserHash, stored.Attributes.GetProperty(key).GetString());
        }

        foreach (var (key, value) in pii.Kept)
        {
            Assert.Equal(value, stored.Attributes.GetProperty(key).ToString());
        }

        Assert.DoesNotContain(PiiSpans.KeptText, view.GetRawText());

        var forwarded = await fixture.Forwarded.WaitForAsync(Hex(pii.Span.SpanId.ToByteArray()));
        Assert.DoesNotContain(PiiSpans.KeptText, Encoding.UTF8.GetString(forwarded));
        AssertNoPii(Encoding.UTF8.GetString(forwarded), "the forwarded export");
        var forwardedSpan = Assert.Single(ForwardCapture.Spans(forwarded));
        foreach (var place in pii.Content)
        {
            Assert.Null(Forwarded(forwardedSpan, place));
        }
    }

    [Fact]
    public async Task A_span_the_sending_service_redacted_is_not_redacted_again()
    {
        Assert.SkipWhen(fixture.Unavailable is not null, fixture.Unavailable ?? "");
        var server = await fixture.ServerAsync(ContentMode.Redacted);

        // A service whose redaction leaves e-mail addresses alone (LlmObs:Redaction:Emails = false) marks what it did;
        // its choice stands, and the server does not pay for a second scan.
        var content = $"Write to {PiiSpans.Email}, my number is [REDACTED:phone].";
        var span = Span(NewTraceId(), NewSpanId(), "chat gpt-4o-mini", null,
            Attribute("gen_ai.operation.name", "chat"),
            Attribute("gen_ai.request.model", "gpt-4o-mini"),
            Attribute("gen_ai.input.messages", content),
            Attribute("user.hash", UserHash),
            Attribute("llmobs.content.redacted_count", 1));

        var (stored, _) = await IngestAsync(server, span);

        Assert.Equal(content, stored.Attributes.GetProperty("gen_ai.input.messages").GetString());
        Assert.Equal(1, stored.Attributes.GetProperty("llmobs.content.redacted_count").GetInt64());
    }

    [Fact]
    public async Task A_span_with_nothing_to_redact_is_forwarded_as_the_bytes_received()
    {
        Assert.SkipWhen(fixture.Unavailable is not null, fixture.Unavailable ?? "");
        var server = await fixture.ServerAsync(ContentMode.Redacted);
        var request = Request("redaction-http", Span(NewTraceId(), NewSpanId(), "GET /orders/{id}", null,
            Attribute("http.request.method", "GET"),
            Attribute("url.path", "/orders/7731"),
            Attribute("http.response.status_code", 200)));
        var sent = request.ToByteArray();

        using var response = await server.PostAsync("/v1/traces", sent);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var forwarded = await fixture.Forwarded.WaitForAsync(Hex(request.ResourceSpans[0].ScopeSpans[0].Spans[0].SpanId.ToByteArray()));
        Assert.Equal(sent, forwarded);
    }

    private static async Task<(ApiSpan Stored, JsonElement View)> IngestAsync(LlmObsServer server, Span span)
    {
        using var response = await server.PostTracesAsync(Request("redaction-tests", span));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var traceId = Hex(span.TraceId.ToByteArray());
        var stored = Assert.Single((await server.GetTraceAsync(traceId)).Spans);
        var json = await server.Client.GetStringAsync($"/api/traces/{traceId}", TestContext.Current.CancellationToken);
        var view = JsonDocument.Parse(json).RootElement.GetProperty("spans")[0].GetProperty("llm").Clone();
        return (stored, view);
    }

    private static string? Stored(ApiSpan span, ContentPlace place)
    {
        var attributes = span.Attributes;
        if (place.Event is not null)
        {
            var e = span.Events!.Value.EnumerateArray().Single(e => e.GetProperty("name").GetString() == place.Event);
            attributes = e.GetProperty("attributes");
        }

        return attributes.TryGetProperty(place.Key, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;
    }

    private static string? Forwarded(Span span, ContentPlace place)
    {
        var attributes = place.Event is null ? span.Attributes : span.Events.Single(e => e.Name == place.Event).Attributes;
        return attributes.LastOrDefault(a => a.Key == place.Key)?.Value.StringValue;
    }

    private static void AssertRedacted(string? value, string where)
    {
        Assert.True(value is not null, $"{where} is missing");
        AssertNoPii(value, where);
        Assert.Contains("[REDACTED:", value);
        Assert.Contains(PiiSpans.KeptText, value);
    }

    private static void AssertNoPii(string text, string where)
    {
        foreach (var pii in PiiSpans.Pii)
        {
            Assert.False(text.Contains(pii, StringComparison.Ordinal), $"{where} still holds {pii}: {text}");
        }
    }
}

public sealed class DuckDbIngestRedactionTests(DuckDbRedactionFixture fixture) : IngestRedactionTests(fixture), IClassFixture<DuckDbRedactionFixture>;

public sealed class PostgresIngestRedactionTests(PostgresRedactionFixture fixture) : IngestRedactionTests(fixture), IClassFixture<PostgresRedactionFixture>;
