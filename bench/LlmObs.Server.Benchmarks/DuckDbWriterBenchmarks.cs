using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using LlmObs.IngestLoad;
using LlmObs.Pricing;
using LlmObs.Server.Ingest;
using LlmObs.Server.Normalization;
using LlmObs.Server.Storage;
using LlmObs.Server.Storage.Content;
using LlmObs.Server.Storage.DuckDb;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LlmObs.Server.Benchmarks;

/// <summary>
/// The DuckDB store's single writer on its own, which is what limits DuckDB ingest under load (bench/RESULTS.md): one
/// transaction appending 1,000 of the load generator's spans, mapped and split beforehand as the request threads do,
/// and committing. Each invocation writes spans never seen before, as sustained ingest does. Checkpoints are left out:
/// the WAL stays under <c>wal_autocheckpoint</c> here, and a checkpoint's cost depends on how much it folds in.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 30, invocationCount: 1)]
[MinColumn, MedianColumn, MaxColumn]
public class DuckDbWriterBenchmarks
{
    private const int BatchSpans = 1_000;

    private readonly LlmSpanFactory _factory = new(1);
    private readonly OtlpSpanMapper _mapper = new(new LlmSpanNormalizer(PriceCatalog.Default), new LargeValueSplitter(new StorageOptions().LargeValueBytes));
    private string _directory = "";
    private DuckDbSpanStore _store = null!;
    private List<SplitSpan> _batch = [];

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("llmobs-writer-bench-").FullName;
        _store = new DuckDbSpanStore(
            Options.Create(new LlmObsServerOptions { DataDirectory = _directory }), Options.Create(new StorageOptions()), NullLogger<DuckDbSpanStore>.Instance);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [IterationSetup]
    public void NextBatch() => _batch = [.. _mapper.Map(_factory.Request(BatchSpans).Request, new IngestSource()).Spans.Select(_store.Prepare)];

    /// <summary>1,000 spans, with their content values, appended and committed (WAL written and flushed).</summary>
    [Benchmark]
    public Task AppendAndCommit() => _store.WriteBatchAsync(_batch);
}
