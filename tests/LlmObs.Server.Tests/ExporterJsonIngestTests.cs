using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using LlmObs.Server.Tests.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlmObs.Server.Tests;

/// <summary>
/// The real OpenTelemetry .NET exporter's payloads, sent as OTLP/JSON. The .NET exporter itself only speaks protobuf,
/// so each export is transcoded on the way (proto3 JSON with integer enums, ids rewritten to hex as the OTLP
/// specification spells them) and the server's JSON answer is checked before the exporter is told it succeeded.
/// </summary>
public sealed class ExporterJsonIngestTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Spans_exported_by_the_OpenTelemetry_SDK_and_sent_as_json_are_stored_as_the_protobuf_ones_are()
    {
        var sourceName = "Tests.Json." + Guid.NewGuid().ToString("N")[..8];
        using var transcoder = new JsonTranscodingHandler(fixture.Server.CreateExporterClient(out _));
        string traceId;
        using (var source = new ActivitySource(sourceName))
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(sourceName)
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("json-exporter"))
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(fixture.Server.BaseAddress, "/v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.HttpClientFactory = () => new HttpClient(transcoder, disposeHandler: false);
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            Activity.Current = null;
            using (var server = source.StartActivity("POST /ask", ActivityKind.Server)!)
            {
                traceId = server.TraceId.ToHexString();
                using var chat = source.StartActivity("chat gpt-4o-mini", ActivityKind.Client)!;
                chat.SetTag("gen_ai.operation.name", "chat");
                chat.SetTag("gen_ai.provider.name", "openai");
                chat.SetTag("gen_ai.request.model", "gpt-4o-mini");
                chat.SetTag("gen_ai.usage.input_tokens", 1200L);
                chat.SetTag("gen_ai.usage.output_tokens", 300L);
                chat.SetTag("gen_ai.response.finish_reasons", new[] { "stop" });
            }

            Assert.True(provider.ForceFlush());
        }

        Assert.NotEmpty(transcoder.Answers);
        Assert.All(transcoder.Answers, a => Assert.Equal((HttpStatusCode.OK, LlmObsServer.JsonContentType), a));

        var trace = await fixture.Server.GetTraceAsync(traceId);
        var root = trace.Span("POST /ask");
        var chatSpan = trace.Span("chat gpt-4o-mini");
        Assert.Equal(root.SpanId, chatSpan.ParentSpanId);
        Assert.Equal((2, 3), (root.Kind, chatSpan.Kind));
        Assert.Equal("json-exporter", chatSpan.ServiceName);
        Assert.Equal(1200, chatSpan.Llm?.InputTokens);
        Assert.Equal("server", chatSpan.Llm?.CostSource);
        Assert.Equal("stop", Assert.Single(chatSpan.Attributes.GetProperty("gen_ai.response.finish_reasons").EnumerateArray()).GetString());
    }

    /// <summary>Turns each protobuf export into OTLP/JSON, sends that, and answers the exporter in protobuf.</summary>
    private sealed class JsonTranscodingHandler(HttpClient server) : DelegatingHandler(new HttpClientHandler())
    {
        private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true));

        public List<(HttpStatusCode Status, string? MediaType)> Answers { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var protobuf = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            var json = JsonNode.Parse(Formatter.Format(ExportTraceServiceRequest.Parser.ParseFrom(protobuf)))!;
            HexIds(json);
            using var content = new StringContent(json.ToJsonString());
            content.Headers.ContentType = new MediaTypeHeaderValue(LlmObsServer.JsonContentType);
            using var answer = await server.PostAsync(request.RequestUri, content, cancellationToken);
            JsonDocument.Parse(await answer.Content.ReadAsStringAsync(cancellationToken)).Dispose(); // must be JSON
            lock (Answers)
            {
                Answers.Add((answer.StatusCode, answer.Content.Headers.ContentType?.MediaType));
            }

            return new HttpResponseMessage(answer.StatusCode) { Content = new ByteArrayContent([]) };
        }

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
            SendAsync(request, cancellationToken).GetAwaiter().GetResult();

        private static void HexIds(JsonNode node)
        {
            if (node is JsonObject obj)
            {
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (name is "traceId" or "spanId" or "parentSpanId" && obj[name] is JsonValue value)
                    {
                        obj[name] = Convert.ToHexStringLower(Convert.FromBase64String(value.GetValue<string>()));
                    }
                    else if (obj[name] is { } child)
                    {
                        HexIds(child);
                    }
                }
            }
            else if (node is JsonArray array)
            {
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        HexIds(item);
                    }
                }
            }
        }
    }
}
