using System.Diagnostics;
using Xunit;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlmObs.ServiceDefaults.Tests.Tracing;

/// <summary>
/// A tracer provider as a plain console app builds it (no host): LlmObs instrumentation, then an in-memory exporter.
/// </summary>
internal sealed class SpanCapture : IDisposable
{
    private readonly TracerProvider _provider;

    public SpanCapture(bool withLlmObsInstrumentation = true)
    {
        var builder = Sdk.CreateTracerProviderBuilder();
        builder = withLlmObsInstrumentation ? builder.AddLlmObservabilityInstrumentation() : builder.AddSource("LlmObs");
        _provider = builder.AddInMemoryExporter(Spans).Build()!;
    }

    public List<Activity> Spans { get; } = [];

    /// <summary>An attribute of the resource the tracer provider exports the spans with.</summary>
    public object? ResourceAttribute(string name) =>
        _provider.GetResource().Attributes.FirstOrDefault(a => a.Key == name).Value;

    public Activity Single(string namePrefix) => Assert.Single(Spans, s => s.DisplayName.StartsWith(namePrefix, StringComparison.Ordinal));

    public void Dispose() => _provider.Dispose();
}

internal static class ActivityAssertions
{
    public static object? Tag(this Activity activity, string name) => activity.GetTagItem(name);

    public static double Number(this Activity activity, string name) => Convert.ToDouble(activity.GetTagItem(name) ?? throw new Xunit.Sdk.XunitException($"{activity.DisplayName} has no {name}"), System.Globalization.CultureInfo.InvariantCulture);
}
