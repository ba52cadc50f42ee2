using System.ComponentModel.DataAnnotations;

namespace LlmObs.Playground.RagApi.Simulation;

/// <summary>Settings of the offline model provider, bound from the <c>Simulation</c> configuration section.</summary>
public sealed class SimulationOptions
{
    public const string SectionName = "Simulation";

    /// <summary>
    /// Multiplies every simulated delay: 1 is roughly gpt-4o-mini's latency, 0.1 makes tests fast while
    /// keeping spans' relative durations, 0 removes delays.
    /// </summary>
    [Range(0, 100)]
    public double LatencyScale { get; set; } = 1.0;
}
