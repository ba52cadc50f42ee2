using System.Net;
using System.Text;
using Google.Protobuf;
using LlmObs.Redaction;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests.Redaction;

/// <summary>
/// Content sent as GenAI log events (OpenTelemetry's Python GenAI instrumentations put each message in a log record's
/// body) is forwarded under the same <c>LlmObs:Redaction:Mode</c> as span content. Logs are not stored, so one engine.
/// </summary>
public sealed class LogsRedactionTests(DuckDbRedactionFixture fixture) : IClassFixture<DuckDbRedactionFixture>
{
    private const string AppLog = $"Order 7731 placed by {PiiSpans.Email}";

    [Fact]
    public async Task Redacted_mode_redacts_genai_event_bodies_and_hashes_user_ids_and_keeps_other_log_bodies()
    {
        var forwarded = await SendAsync(ContentMode.Redacted);

        var (userMessage, choice, appLog) = Records(forwarded);
        foreach (var body in new[] { userMessage.Body, choice.Body })
        {
            var text = body.ToString();
            Assert.DoesNotContain(PiiSpans.Email, text);
            Assert.DoesNotContain("7946 0958", text);
            Assert.Contains("[REDACTED:", text);
            Assert.Contains(PiiSpans.KeptText, text);
        }

        Assert.Equal("user", userMessage.Body.KvlistValue.Values.Single(v => v.Key == "role").Value.StringValue);
        Assert.Contains(userMessage.Attributes, a => a.Key == "llmobs.content.redacted_count");
        Assert.Equal(AppLog, appLog.Body.StringValue);
        Assert.Equal(new UserIdRedactor(RedactionFixture.UserIdHashKey).Hash(PiiSpans.RawUserId), appLog.Attributes.Single(a => a.Key == "user.id").Value.StringValue);
    }

    [Fact]
    public async Task Off_mode_forwards_genai_events_without_their_body()
    {
        var forwarded = await SendAsync(ContentMode.Off);

        var (userMessage, choice, appLog) = Records(forwarded);
        Assert.Null(userMessage.Body);
        Assert.Null(choice.Body);
        Assert.Equal("gen_ai.user.message", userMessage.EventName);
        Assert.Equal(AppLog, appLog.Body.StringValue);
        Assert.DoesNotContain(PiiSpans.KeptText, Encoding.UTF8.GetString(forwarded));
    }

    [Fact]
    public async Task Raw_mode_forwards_the_bytes_received()
    {
        var sent = Export(out var instanceId).ToByteArray();
        var server = await fixture.ServerAsync(ContentMode.Raw);

        using var response = await server.PostAsync("/v1/logs", sent);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.Equal(sent, await fixture.Forwarded.WaitForLogsAsync(instanceId));
    }

    [Fact]
    public async Task Logs_sent_over_grpc_are_redacted_before_they_are_forwarded()
    {
        using var data = new Infrastructure.TempDirectory();
        var grpcPort = Infrastructure.LlmObsServer.FreePort();
        await using var server = Infrastructure.LlmObsServer.StartOnKestrelWithUrls(data.Path, "http://127.0.0.1:0", new Dictionary<string, string?>
        {
            ["LlmObs:GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LlmObs:Redaction:Mode"] = "Redacted",
            ["LlmObs:Forward:Endpoint"] = fixture.Forwarded.BaseAddress.AbsoluteUri,
            ["LlmObs:Forward:Protocol"] = "http/protobuf",
        });
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");

        await new LogsService.LogsServiceClient(channel).ExportAsync(Export(out var instanceId), cancellationToken: TestContext.Current.CancellationToken);

        var (userMessage, _, _) = Records(await fixture.Forwarded.WaitForLogsAsync(instanceId));
        Assert.DoesNotContain(PiiSpans.Email, userMessage.Body.ToString());
        Assert.Contains(PiiSpans.KeptText, userMessage.Body.ToString());
    }

    private async Task<byte[]> SendAsync(ContentMode mode)
    {
        var server = await fixture.ServerAsync(mode);
        using var response = await server.PostAsync("/v1/logs", Export(out var instanceId).ToByteArray());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await fixture.Forwarded.WaitForLogsAsync(instanceId);
    }

    private static (LogRecord UserMessage, LogRecord Choice, LogRecord AppLog) Records(byte[] export)
    {
        var records = ExportLogsServiceRequest.Parser.ParseFrom(export).ResourceLogs.Single().ScopeLogs.Single().LogRecords;
        return (records[0], records[1], records[2]);
    }

    private static ExportLogsServiceRequest Export(out string instanceId)
    {
        instanceId = Guid.NewGuid().ToString("N");
        var traceId = ByteString.CopyFrom(NewTraceId());
        var spanId = ByteString.CopyFrom(NewSpanId());
        var scope = new ScopeLogs
        {
            Scope = new InstrumentationScope { Name = "opentelemetry.instrumentation.openai_v2" },
            LogRecords =
            {
                // As event_name, the current field.
                new LogRecord
                {
                    EventName = "gen_ai.user.message", TraceId = traceId, SpanId = spanId,
                    Attributes = { Attribute("gen_ai.system", "openai") },
                    Body = Map(("role", Text("user")), ("content", Text(PiiSpans.Text))),
                },

                // As the event.name attribute, before that field existed.
                new LogRecord
                {
                    TraceId = traceId, SpanId = spanId,
                    Attributes = { Attribute("event.name", "gen_ai.choice"), Attribute("gen_ai.system", "openai") },
                    Body = Map(("index", new AnyValue { IntValue = 0 }), ("finish_reason", Text("stop")),
                        ("message", Map(("role", Text("assistant")), ("content", Text(PiiSpans.Text))))),
                },

                // An ordinary application log: its body is not LLM content.
                new LogRecord { Body = Text(AppLog), Attributes = { Attribute("user.id", PiiSpans.RawUserId) } },
            },
        };
        var resource = new Resource { Attributes = { Attribute("service.name", "python-rag"), Attribute("service.instance.id", instanceId) } };
        return new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { Resource = resource, ScopeLogs = { scope } } } };
    }

    private static AnyValue Text(string value) => new() { StringValue = value };

    private static AnyValue Map(params (string Key, AnyValue Value)[] entries)
    {
        var list = new KeyValueList();
        foreach (var (key, value) in entries)
        {
            list.Values.Add(new KeyValue { Key = key, Value = value });
        }

        return new AnyValue { KvlistValue = list };
    }
}
