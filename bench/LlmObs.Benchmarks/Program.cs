using BenchmarkDotNet.Running;
using LlmObs.Benchmarks;

if (args is ["quick", ..])
{
    await QuickComparison.RunAsync(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
