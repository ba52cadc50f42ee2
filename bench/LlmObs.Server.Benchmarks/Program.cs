using BenchmarkDotNet.Running;
using LlmObs.Server.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(TailSamplerBenchmarks).Assembly).Run(args);
