using Google.Protobuf;
using LlmObs.Redaction;
using LlmObs.Server.Redaction;
using LlmObs.Server.Tests.Infrastructure;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests.Redaction;

/// <summary>The redactor alone: value shapes, what it leaves alone, and the settings that stop a server at start.</summary>
public sealed class IngestRedactorTests
{
    private static readonly IngestRedactor Redacting = new(ContentMode.Redacted, new PiiRedactor(), new UserIdRedactor(RedactionFixture.UserIdHashKey));

    [Fact]
    public void Strings_inside_array_and_map_values_are_redacted_and_other_values_kept()
    {
        var values = new AnyValue { ArrayValue = new ArrayValue { Values = { Text(PiiSpans.Text), new AnyValue { IntValue = 7 } } } };
        var map = new AnyValue { KvlistValue = new KeyValueList { Values = { new KeyValue { Key = "query", Value = Text($"mail {PiiSpans.Email}") } } } };
        var request = Request("svc", Span(NewTraceId(), NewSpanId(), "ai.generateText", null,
            new KeyValue { Key = "ai.values", Value = values },
            new KeyValue { Key = "langfuse.observation.input", Value = map }));

        Assert.True(Redacting.Redact(request));

        var span = request.ResourceSpans[0].ScopeSpans[0].Spans[0];
        Assert.DoesNotContain(PiiSpans.Email, span.Attributes[0].Value.ArrayValue.Values[0].StringValue);
        Assert.Contains(PiiSpans.KeptText, span.Attributes[0].Value.ArrayValue.Values[0].StringValue);
        Assert.Equal(7, span.Attributes[0].Value.ArrayValue.Values[1].IntValue);
        Assert.Equal("mail [REDACTED:email]", span.Attributes[1].Value.KvlistValue.Values[0].Value.StringValue);
    }

    [Fact]
    public void Redacted_content_holds_nothing_a_second_pass_would_replace()
    {
        foreach (var convention in PiiSpans.Conventions)
        {
            var pii = PiiSpans.Create(convention);
            var request = Request("svc", pii.Span);
            Assert.True(Redacting.Redact(request), convention);

            // Without the marker the first pass left (and without the user ids, whose hash would be hashed again:
            // the marker is what prevents that), a second pass finds nothing.
            var again = request.Clone();
            var span = again.ResourceSpans[0].ScopeSpans[0].Spans[0];
            foreach (var attribute in span.Attributes.Where(a => a.Key == "llmobs.content.redacted_count" || pii.UserIds.ContainsKey(a.Key)).ToList())
            {
                span.Attributes.Remove(attribute);
            }

            Assert.False(Redacting.Redact(again), convention);
        }
    }

    [Fact]
    public void Spans_without_content_or_user_ids_are_left_unchanged()
    {
        var request = Request("svc",
            Span(NewTraceId(), NewSpanId(), "GET /orders", null, Attribute("http.request.method", "GET"), Attribute("url.full", "https://shop.example/orders?mail=bob@example.com")),
            Span(NewTraceId(), NewSpanId(), "chat", null, Attribute("gen_ai.operation.name", "chat"), Attribute("gen_ai.input.messages", "[{\"role\":\"user\",\"content\":\"Where is parcel 7731?\"}]")));
        var before = request.ToByteArray();

        Assert.False(Redacting.Redact(request));
        Assert.Equal(before, request.ToByteArray());
    }

    [Fact]
    public void Raw_mode_touches_nothing()
    {
        var request = Request("svc", PiiSpans.Create("openinference").Span);
        var before = request.ToByteArray();

        Assert.False(new IngestRedactor(ContentMode.Raw).Redact(request));
        Assert.Equal(before, request.ToByteArray());
    }

    [Fact]
    public void Only_the_kinds_the_redaction_section_leaves_on_are_replaced()
    {
        var redactor = new IngestRedactor(ContentMode.Redacted, new PiiRedactor(new LlmRedactionOptions { Emails = false }));
        var request = Request("svc", Span(NewTraceId(), NewSpanId(), "chat", null, Attribute("gen_ai.input.messages", $"{PiiSpans.Email} {PiiSpans.Phone}")));

        Assert.True(redactor.Redact(request));

        Assert.Equal($"{PiiSpans.Email} [REDACTED:phone]", request.ResourceSpans[0].ScopeSpans[0].Spans[0].Attributes[0].Value.StringValue);
    }

    [Fact]
    public void Events_of_other_instrumentations_keep_their_message_attribute()
    {
        var span = Span(NewTraceId(), NewSpanId(), "work");
        span.Events.Add(new Span.Types.Event { Name = "log", Attributes = { new KeyValue { Key = "message", Value = Text($"sent to {PiiSpans.Email}") } } });
        span.Events.Add(new Span.Types.Event { Name = "gen_ai.user.message", Attributes = { new KeyValue { Key = "content", Value = Text($"I am {PiiSpans.Email}") } } });

        Assert.True(Redacting.Redact(Request("svc", span)));

        Assert.Equal($"sent to {PiiSpans.Email}", span.Events[0].Attributes[0].Value.StringValue);
        Assert.Equal("I am [REDACTED:email]", span.Events[1].Attributes[0].Value.StringValue);
    }

    [Fact]
    public void Json_content_holding_half_a_surrogate_pair_is_redacted_as_text()
    {
        // Not from the wire (protobuf replaces it, OTLP/JSON refuses it), but a value in memory can hold one.
        var request = Request("svc", Span(NewTraceId(), NewSpanId(), "chat", null,
            Attribute("gen_ai.input.messages", $"[{{\"role\":\"user\",\"content\":\"mail {PiiSpans.Email} \uD83D\"}}]")));

        Assert.True(Redacting.Redact(request));

        var content = request.ResourceSpans[0].ScopeSpans[0].Spans[0].Attributes[0].Value.StringValue;
        Assert.DoesNotContain(PiiSpans.Email, content);
        Assert.Contains("[REDACTED:email]", content);
    }

    [Theory]
    [InlineData("LlmObs:Redaction:Mode", "Scrubbed", "LlmObs:Redaction:Mode")]
    [InlineData("LlmObs:Redaction:CustomPatterns:broken", "([unclosed", "([unclosed")]
    [InlineData("LlmObs:UserIdHashKey", "short", "16 characters")]
    public void A_redaction_setting_the_server_cannot_apply_stops_it_with_the_reason(string key, string value, string reason)
    {
        using var data = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["LlmObs:Redaction:Mode"] = "Redacted", [key] = value };

        var error = Assert.ThrowsAny<Exception>(() =>
        {
            var server = LlmObsServer.StartInMemory(data.Path, settings);
            _ = server.Client; // the in-memory host starts on first use
        });

        Assert.Contains(reason, error.ToString());
    }

    private static AnyValue Text(string value) => new() { StringValue = value };
}
