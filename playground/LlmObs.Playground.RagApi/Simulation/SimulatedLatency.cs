using Microsoft.Extensions.Options;

namespace LlmObs.Playground.RagApi.Simulation;

/// <summary>
/// Delays shaped like a hosted model's: a time to first token, then a steady rate per output token.
/// Jittered by ±20% so latency charts look like real traffic; answers stay deterministic.
/// </summary>
public sealed class SimulatedLatency(IOptionsMonitor<SimulationOptions> options, TimeProvider timeProvider)
{
    private static readonly TimeSpan TimeToFirstToken = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PerOutputToken = TimeSpan.FromMilliseconds(15);
    private static readonly TimeSpan EmbeddingCall = TimeSpan.FromMilliseconds(40);
    private static readonly TimeSpan ErrorResponse = TimeSpan.FromMilliseconds(80);

    public Task FirstTokenAsync(CancellationToken cancellationToken) => DelayAsync(TimeToFirstToken, cancellationToken);

    public Task OutputTokensAsync(long tokenCount, CancellationToken cancellationToken) => DelayAsync(PerOutputToken * tokenCount, cancellationToken);

    public Task EmbeddingAsync(CancellationToken cancellationToken) => DelayAsync(EmbeddingCall, cancellationToken);

    public Task ErrorAsync(CancellationToken cancellationToken) => DelayAsync(ErrorResponse, cancellationToken);

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var scale = options.CurrentValue.LatencyScale;
        if (scale <= 0 || delay <= TimeSpan.Zero)
        {
            return cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;
        }

        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
        return Task.Delay(delay * (scale * jitter), timeProvider, cancellationToken);
    }
}
