using System.Text;
using System.Text.Json;
using Google.Protobuf;
using LlmObs.Pricing;
using LlmObs.Server.Ingest;
using LlmObs.Server.Normalization;
using LlmObs.Server.Storage.Content;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Tests.Storage;

/// <summary>
/// Large values leave a span's JSON on two paths: the server's mapper moves them out while it writes the JSON, and the
/// store's splitter scans the JSON of records that still hold them. Both must give the row, refs and blobs alike, since
/// reads, search and content dedupe rely on one form.
/// </summary>
public sealed class LargeValueSplitterTests
{
    private const int Limit = 1024;

    private static readonly LargeValueSplitter Splitter = new(Limit);

    public static TheoryData<string> Shapes => new()
    {
        "small values only",
        "a large prompt",
        "the limit exactly",
        "one byte over the limit",
        "short but long once escaped",
        "the same key twice",
        "a large value inside a structure",
        "large events",
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Moving_values_out_while_writing_gives_what_the_store_split_gives(string shape)
    {
        var request = Request(shape);

        var moved = Assert.Single(new OtlpSpanMapper(new LlmSpanNormalizer(PriceCatalog.Default), Splitter).Map(request, new IngestSource(null)).Spans);
        var whole = Assert.Single(new OtlpSpanMapper(new LlmSpanNormalizer(PriceCatalog.Default)).Map(request, new IngestSource(null)).Spans);

        Assert.NotNull(moved.MovedValues);
        Assert.Null(whole.MovedValues);
        var fromMapper = Splitter.Split(moved);
        var fromStore = Splitter.Split(whole);
        Assert.Equal(fromStore.AttributesJson, fromMapper.AttributesJson);
        Assert.Equal(fromStore.EventsJson, fromMapper.EventsJson);
        Assert.Equal(fromStore.ContentRefs, fromMapper.ContentRefs);
        Assert.Equal(fromStore.Blobs.Select(b => (b.Day, b.Hash, Convert.ToHexString(b.Utf8))), fromMapper.Blobs.Select(b => (b.Day, b.Hash, Convert.ToHexString(b.Utf8))));

        // And what is put back is what was sent (OTLP keys are unique: a repeated key reads back with its last value).
        if (shape == "the same key twice")
        {
            return;
        }

        var content = fromMapper.Blobs.DistinctBy(b => b.Hash).ToDictionary(b => b.Hash, b => b.Utf8);
        var reassembled = ContentRows.Reassemble(moved with { AttributesJson = fromMapper.AttributesJson, EventsJson = fromMapper.EventsJson }, fromMapper.ContentRefs, content);
        Assert.Equal(whole.AttributesJson, reassembled.AttributesJson);
        Assert.Equal(whole.EventsJson, reassembled.EventsJson);
    }

    [Fact]
    public void A_value_is_moved_only_when_its_json_is_longer_than_the_limit()
    {
        Assert.Empty(Split("the limit exactly").Blobs);
        Assert.Single(Split("one byte over the limit").Blobs);
        Assert.Single(Split("short but long once escaped").Blobs);
        Assert.Empty(Split("a large value inside a structure").Blobs);

        var events = Split("large events");
        Assert.Null(events.EventsJson);
        Assert.Contains(LargeValueSplitter.EventsKey, JsonDocument.Parse(events.ContentRefs!).RootElement.EnumerateObject().Select(p => p.Name));

        static SplitSpan Split(string shape) =>
            Splitter.Split(new OtlpSpanMapper(new LlmSpanNormalizer(PriceCatalog.Default), Splitter).Map(Request(shape), new IngestSource(null)).Spans[0]);
    }

    private static ExportTraceServiceRequest Request(string shape)
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()),
            SpanId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()[..8]),
            Name = "chat gpt-4o-mini",
            StartTimeUnixNano = 1_764_000_000_000_000_000,
            EndTimeUnixNano = 1_764_000_001_000_000_000,
        };
        span.Attributes.Add(String("gen_ai.operation.name", "chat"));
        span.Attributes.Add(new KeyValue { Key = "gen_ai.usage.input_tokens", Value = new AnyValue { IntValue = 12 } });
        var prompt = "Réponds « en français » to \"the user\":\n" + string.Concat(Enumerable.Repeat("le zèbre 日本語 <b>&</b> ", 80));
        switch (shape)
        {
            case "a large prompt":
                span.Attributes.Add(String("gen_ai.prompt", prompt));
                span.Attributes.Add(String("gen_ai.completion", "short"));
                break;
            case "the limit exactly":
                span.Attributes.Add(String("gen_ai.prompt", new string('a', Limit)));
                break;
            case "one byte over the limit":
                span.Attributes.Add(String("gen_ai.prompt", new string('a', Limit - 1) + "é"));
                break;
            case "short but long once escaped":
                span.Attributes.Add(String("gen_ai.prompt", new string('"', Limit / 2 + 1)));
                break;
            case "the same key twice":
                span.Attributes.Add(String("gen_ai.prompt", prompt));
                span.Attributes.Add(String("gen_ai.prompt", prompt + " again"));
                break;
            case "a large value inside a structure":
                span.Attributes.Add(new KeyValue
                {
                    Key = "llm.input_messages",
                    Value = new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { StringValue = prompt } } } },
                });
                break;
            case "large events":
                span.Attributes.Add(String("gen_ai.prompt", prompt));
                span.Events.Add(new Span.Types.Event { Name = "gen_ai.user.message", TimeUnixNano = span.StartTimeUnixNano, Attributes = { String("content", prompt) } });
                break;
        }

        Assert.True(shape != "short but long once escaped" || Encoding.UTF8.GetByteCount(span.Attributes[^1].Value.StringValue) < Limit);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(new ResourceSpans { ScopeSpans = { new ScopeSpans { Spans = { span } } } });
        return request;
    }

    private static KeyValue String(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };
}
