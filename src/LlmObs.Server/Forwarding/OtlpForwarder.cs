using System.Threading.Channels;
using LlmObs.Server.Otlp;
using Microsoft.Extensions.Options;

namespace LlmObs.Server.Forwarding;

/// <summary>
/// Copies everything received to the downstream OTLP endpoint (the Aspire dashboard). Ingest only enqueues:
/// the queue is bounded, sending happens in the background with retries, and what cannot be queued or sent
/// is dropped and counted, never pushed back onto the client.
/// </summary>
internal sealed class OtlpForwarder : BackgroundService
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    private readonly Channel<(OtlpSignal Signal, byte[] Protobuf)> _queue;
    private readonly IOtlpTransport? _transport;
    private readonly ILogger<OtlpForwarder> _logger;
    private long _forwarded;
    private long _dropped;

    public OtlpForwarder(IOptions<LlmObsServerOptions> options, ILogger<OtlpForwarder> logger)
    {
        _logger = logger;
        var forward = options.Value.Forward;
        _queue = Channel.CreateBounded<(OtlpSignal, byte[])>(new BoundedChannelOptions(forward.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });

        if (Uri.TryCreate(forward.Endpoint, UriKind.Absolute, out var endpoint))
        {
            var headers = ParseHeaders(forward.Headers);
            _transport = OtlpForwardProtocol.CreateTransport(forward.Protocol, endpoint, headers);
            _logger.LogInformation("Forwarding OTLP to {Endpoint} over {Protocol}.", endpoint, forward.Protocol);
        }
    }

    /// <summary>Whether a downstream endpoint is configured.</summary>
    public bool Enabled => _transport is not null;

    /// <summary>Export requests delivered downstream.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Export requests dropped because the queue was full or the peer kept failing.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Enqueue(OtlpSignal signal, byte[] protobuf)
    {
        if (_transport is not null && !_queue.Writer.TryWrite((signal, protobuf)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_transport is null)
        {
            return;
        }

        await foreach (var (signal, protobuf) in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            await SendWithRetriesAsync(signal, protobuf, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task SendWithRetriesAsync(OtlpSignal signal, byte[] protobuf, CancellationToken stoppingToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _transport!.SendAsync(signal, protobuf, stoppingToken).ConfigureAwait(false);
                Interlocked.Increment(ref _forwarded);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                if (attempt >= RetryDelays.Length)
                {
                    Interlocked.Increment(ref _dropped);
                    _logger.LogWarning(ex, "Dropped a {Signal} export after {Attempts} attempts.", signal.HttpPath, attempt + 1);
                    return;
                }

                await Task.Delay(RetryDelays[attempt], stoppingToken).ConfigureAwait(false);
            }
        }
    }

    public override void Dispose()
    {
        _transport?.Dispose();
        base.Dispose();
    }

    /// <summary>Parses <c>OTEL_EXPORTER_OTLP_HEADERS</c> syntax: comma-separated, URL-encoded <c>key=value</c> pairs.</summary>
    internal static List<KeyValuePair<string, string>> ParseHeaders(string? headers)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var pair in (headers ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals > 0)
            {
                result.Add(new(Uri.UnescapeDataString(pair[..equals].Trim()), Uri.UnescapeDataString(pair[(equals + 1)..].Trim())));
            }
        }

        return result;
    }
}
