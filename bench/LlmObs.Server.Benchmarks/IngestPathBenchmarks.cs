using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using LlmObs.IngestLoad;
using LlmObs.Pricing;
using LlmObs.Server.Ingest;
using LlmObs.Server.Normalization;
using LlmObs.Server.Otlp;
using LlmObs.Server.Storage.Content;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace LlmObs.Server.Benchmarks;

/// <summary>
/// The server's CPU work for one OTLP/HTTP export of 200 realistic LLM spans (the load generator's request: 20–40
/// attributes a span, 1–4 KB of prompt, completion or documents on chat and retrieval spans), step by step and as a
/// whole: protobuf decode, mapping with normalisation and attribute JSON (moving large values out as the server's mapper
/// does), and the store's split of the rows. What is left per span is the engines' own work.
/// </summary>
[MemoryDiagnoser]
public class IngestPathBenchmarks
{
    private readonly LargeValueSplitter _splitter = new(1024);
    private readonly OtlpSpanMapper _mapper;
    private readonly OtlpSpanMapper _unsplitMapper = new(new LlmSpanNormalizer(PriceCatalog.Default));
    private byte[] _body = [];
    private ExportTraceServiceRequest _request = new();
    private MappedTraces _mapped = null!;

    public IngestPathBenchmarks() => _mapper = new(new LlmSpanNormalizer(PriceCatalog.Default), _splitter); // as the server maps

    [Params(200)]
    public int Spans { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (request, _) = new LlmSpanFactory(1).Request(Spans);
        _body = request.ToByteArray();
        _request = ExportTraceServiceRequest.Parser.ParseFrom(_body);
        _mapped = _unsplitMapper.Map(_request, new IngestSource(null));
    }

    [Benchmark]
    public IMessage Decode() => OtlpCodec.Decode(OtlpSignal.Traces, _body, OtlpEncoding.Protobuf);

    [Benchmark]
    public int Map() => _mapper.Map(_request, new IngestSource(null)).Spans.Count;

    /// <summary>The store's split of records whose JSON still holds every value (the server's mapper moves them out as it writes).</summary>
    [Benchmark]
    public int Split()
    {
        var blobs = 0;
        foreach (var span in _mapped.Spans)
        {
            blobs += _splitter.Split(span).Blobs.Count;
        }

        return blobs;
    }

    /// <summary>Everything the server does for a request before the engine's writer takes the rows.</summary>
    [Benchmark(Baseline = true)]
    public int DecodeMapSplit()
    {
        var request = (ExportTraceServiceRequest)OtlpCodec.Decode(OtlpSignal.Traces, _body, OtlpEncoding.Protobuf);
        var blobs = 0;
        foreach (var span in _mapper.Map(request, new IngestSource(null)).Spans)
        {
            blobs += _splitter.Split(span).Blobs.Count;
        }

        return blobs;
    }
}
