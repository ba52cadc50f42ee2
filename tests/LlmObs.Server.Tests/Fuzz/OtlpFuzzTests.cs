using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using LlmObs.Pricing;
using LlmObs.Server.Forwarding;
using LlmObs.Server.Ingest;
using LlmObs.Server.Normalization;
using LlmObs.Server.Otlp;
using LlmObs.Server.Storage.Content;
using LlmObs.Server.Tests.Normalization;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests.Fuzz;

/// <summary>
/// Mutated OTLP payloads, protobuf and JSON, fed straight into what a request goes through (decode, map, normalise,
/// price, enrich, re-encode for forwarding) without HTTP, so 100,000+ run in seconds. The only acceptable failure is
/// <see cref="OtlpDecodeException"/> (a 400); anything else would be a 500 or a dead server.
/// </summary>
public sealed class OtlpFuzzTests
{
    private const int PayloadsPerEncoding = 60_000;

    // As the server maps (large values moved out while the JSON is written), with a low limit so most strings take that path.
    private readonly OtlpSpanMapper _mapper = new(new LlmSpanNormalizer(PriceCatalog.Default), new LargeValueSplitter(64));
    private readonly GatewayEnricher _enricher = new();

    [Fact]
    public void Mutated_protobuf_and_json_payloads_are_rejected_or_ingested_never_crash_hang_or_grow_memory()
    {
        var seeds = Seeds();
        var protobufSeeds = seeds.Select(s => (s.Signal, Bytes: s.Message.ToByteArray())).ToArray();
        var jsonSeeds = seeds.Select(s => (s.Signal, Bytes: OtlpCodec.Encode(s.Message, OtlpEncoding.Json))).ToArray();
        var mutator = new PayloadMutator(seed: 20260301);
        var counts = new Dictionary<string, int>();
        var slowest = TimeSpan.Zero;

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);

        for (var i = 0; i < PayloadsPerEncoding * 2; i++)
        {
            var json = i % 2 == 1;
            var pool = json ? jsonSeeds : protobufSeeds;
            var (signal, seed) = pool[i / 2 % pool.Length];
            var other = pool[(i * 7 + 3) % pool.Length].Bytes;
            var payload = json ? mutator.MutateJson(seed, other) : mutator.MutateProtobuf(seed, other);

            var watch = Stopwatch.StartNew();
            string outcome;
            try
            {
                outcome = Ingest(signal, payload, json ? OtlpEncoding.Json : OtlpEncoding.Protobuf);
            }
            catch (Exception ex)
            {
                Assert.Fail($"Payload {i} ({(json ? "JSON" : "protobuf")} {signal.Name}) threw {ex.GetType().Name}: {ex.Message}\n" +
                    $"payload (base64): {Convert.ToBase64String(payload)}\n{ex}");
                throw;
            }

            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            var key = (json ? "json " : "protobuf ") + outcome;
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);

        TestContext.Current.SendDiagnosticMessage(string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}")) + $"; slowest {slowest.TotalMilliseconds:F1} ms");

        // A hang guard, not a speed assertion: a payload that takes seconds is a parser stuck on its input.
        Assert.True(slowest < TimeSpan.FromSeconds(5), $"The slowest payload took {slowest}.");

        // Nothing is kept between payloads: what is left after a full collection is what the process had before.
        Assert.True(memoryAfter - memoryBefore < 64L * 1024 * 1024, $"Memory grew by {(memoryAfter - memoryBefore) / 1024 / 1024} MB.");

        // Both outcomes are exercised: the mutations are neither all fatal nor all harmless.
        Assert.True(counts.GetValueOrDefault("protobuf rejected") > 1_000 && counts.GetValueOrDefault("protobuf accepted") > 1_000, string.Join(", ", counts));
        Assert.True(counts.GetValueOrDefault("json rejected") > 1_000 && counts.GetValueOrDefault("json accepted") > 1_000, string.Join(", ", counts));
    }

    /// <summary>What the receiver does with one body; returns "accepted" or "rejected" (a 400).</summary>
    private string Ingest(OtlpSignal signal, byte[] payload, OtlpEncoding encoding)
    {
        IMessage message;
        try
        {
            message = OtlpCodec.Decode(signal, payload, encoding);
        }
        catch (OtlpDecodeException)
        {
            return "rejected";
        }

        if (message is ExportTraceServiceRequest traces)
        {
            var mapped = _mapper.Map(traces, new IngestSource("fuzz"));
            _enricher.Enrich(mapped.LlmSpans);
        }

        // Forwarding re-encodes: protobuf for gRPC and http/protobuf, JSON for http/json.
        _ = message.ToByteArray();
        _ = OtlpCodec.Encode(message, OtlpEncoding.Json);
        return "accepted";
    }

    private static List<(OtlpSignal Signal, IMessage Message)> Seeds()
    {
        var traceId = NewTraceId();
        var root = NewSpanId();
        var conventionSpans = new[]
        {
            new ConventionSpan("chat gpt-4o-mini").With("gen_ai.operation.name", "chat").With("gen_ai.provider.name", "openai")
                .With("gen_ai.request.model", "gpt-4o-mini").With("gen_ai.usage.input_tokens", 1200).With("gen_ai.usage.output_tokens", 300)
                .With("gen_ai.input.messages", "[{\"role\":\"user\",\"content\":\"hi\"}]").Event("gen_ai.choice", ("content", "hello")),
            new ConventionSpan("ChatCompletion").With("openinference.span.kind", "LLM").With("llm.model_name", "gpt-4o")
                .With("llm.token_count.prompt", 10).With("llm.input_messages.0.message.role", "user").With("llm.input_messages.0.message.content", "x")
                .With("retrieval.documents.0.document.id", "d").With("retrieval.documents.0.document.score", 0.5),
            new ConventionSpan("generation").With("langfuse.observation.type", "generation").With("langfuse.observation.model.name", "claude-3-5-haiku-20241022")
                .With("langfuse.observation.usage_details", "{\"input\":5,\"output\":2}").With("langfuse.observation.cost_details", "{\"total\":0.1}")
                .With("langfuse.observation.completion_start_time", "\"2026-03-01T12:00:00.2Z\""),
            new ConventionSpan("openai.chat").With("llm.request.type", "chat").With("gen_ai.system", "openai").With("gen_ai.prompt.0.role", "user")
                .With("gen_ai.prompt.0.content", "q").With("gen_ai.completion.0.content", "a").With("gen_ai.usage.prompt_tokens", 3),
            new ConventionSpan("ai.generateText.doGenerate").With("ai.operationId", "ai.generateText.doGenerate").With("ai.model.id", "gpt-4o-mini")
                .With("ai.model.provider", "openai.chat").With("ai.usage.promptTokens", 9).With("ai.response.msToFirstChunk", 12.5),
            // A long prompt full of escapes: the mapper's fast escaping and moving of large values get mutated input too.
            new ConventionSpan("chat long").With("gen_ai.operation.name", "chat")
                .With("gen_ai.prompt", string.Concat(Enumerable.Repeat("Say \"é\" ok\n\t日本 \\ 😀\u0001 ", 30)))
                .Event("gen_ai.user.message", ("content", new string('"', 300))),
        }.Select(s => s.Build()).ToArray();

        var traces = Request("fuzz", [Span(traceId, root, "POST /ask"), .. conventionSpans]);
        traces.ResourceSpans[0].Resource.Attributes.Add(Attribute("openinference.project.name", "fuzz"));
        traces.ResourceSpans[0].Resource.Attributes.Add(new KeyValue
        {
            Key = "nested",
            Value = new AnyValue { KvlistValue = new KeyValueList { Values = { Attribute("a", 1), Attribute("b", "c") } } },
        });

        var logs = new ExportLogsServiceRequest
        {
            ResourceLogs =
            {
                new ResourceLogs
                {
                    ScopeLogs =
                    {
                        new ScopeLogs
                        {
                            LogRecords =
                            {
                                new LogRecord
                                {
                                    TimeUnixNano = 1, SeverityNumber = SeverityNumber.Info, Body = new AnyValue { StringValue = "answered" },
                                    TraceId = ByteString.CopyFrom(traceId), SpanId = ByteString.CopyFrom(root), EventName = "e",
                                },
                            },
                        },
                    },
                },
            },
        };
        var metrics = new ExportMetricsServiceRequest
        {
            ResourceMetrics =
            {
                new ResourceMetrics
                {
                    ScopeMetrics =
                    {
                        new ScopeMetrics
                        {
                            Metrics =
                            {
                                new Metric { Name = "tokens", Sum = new Sum { AggregationTemporality = AggregationTemporality.Cumulative, IsMonotonic = true, DataPoints = { new NumberDataPoint { AsInt = 5, Exemplars = { new Exemplar { SpanId = ByteString.CopyFrom(root), TraceId = ByteString.CopyFrom(traceId), AsDouble = 1 } } } } } },
                                new Metric { Name = "latency", Histogram = new Histogram { DataPoints = { new HistogramDataPoint { Count = 2, Sum = 3, BucketCounts = { 1, 1 }, ExplicitBounds = { 1.5 } } } } },
                                new Metric { Name = "exp", ExponentialHistogram = new ExponentialHistogram { DataPoints = { new ExponentialHistogramDataPoint { Scale = 2, Positive = new ExponentialHistogramDataPoint.Types.Buckets { Offset = -1, BucketCounts = { 3 } } } } } },
                            },
                        },
                    },
                },
            },
        };

        return [(OtlpSignal.Traces, traces), (OtlpSignal.Traces, Request("small", Span(traceId, NewSpanId(), "GET /"))), (OtlpSignal.Logs, logs), (OtlpSignal.Metrics, metrics)];
    }
}
