using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using LlmObs.Server.Tests.Infrastructure;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace LlmObs.Server.Tests.Storage.Faults;

/// <summary>
/// Sustained OTLP/HTTP ingest from several senders, remembering every span the server acknowledged (200).
/// With <c>retry</c>, a request answered 503 (or not answered) is sent again, byte for byte, as an OTLP
/// exporter does, until it is acknowledged or the run stops.
/// </summary>
internal sealed class IngestClient(HttpClient http, bool retry)
{
    public const int TracesPerRequest = 5;
    public const int SpansPerTrace = 4;

    private readonly ConcurrentDictionary<string, string[]> _acknowledged = new();
    private int _acknowledgedRequests;
    private int _unavailable;
    private int _unanswered;

    /// <summary>Trace id → the span ids of it the server acknowledged.</summary>
    public IReadOnlyDictionary<string, string[]> Acknowledged => _acknowledged;

    public int AcknowledgedRequests => Volatile.Read(ref _acknowledgedRequests);

    public int Unavailable => Volatile.Read(ref _unavailable);

    public int Unanswered => Volatile.Read(ref _unanswered);

    public Task RunAsync(int senders, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(() => SendUntilAsync(stop))));

    private async Task SendUntilAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var (body, traces) = NewRequest();
            do
            {
                var status = await SendAsync(body, stop);
                if (status == HttpStatusCode.OK)
                {
                    foreach (var (traceId, spanIds) in traces)
                    {
                        _acknowledged[traceId] = spanIds;
                    }

                    Interlocked.Increment(ref _acknowledgedRequests);
                    break;
                }

                if (status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref _unavailable);
                }
                else if (status is null)
                {
                    Interlocked.Increment(ref _unanswered);
                }
                else
                {
                    throw new InvalidOperationException($"The server answered {(int)status} to a valid export.");
                }

                if (retry && !stop.IsCancellationRequested)
                {
                    await Task.Delay(50, CancellationToken.None);
                }
            }
            while (retry && !stop.IsCancellationRequested);
        }
    }

    private async Task<HttpStatusCode?> SendAsync(byte[] body, CancellationToken stop)
    {
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue(LlmObsServer.ProtobufContentType);
            // Not cancelled by `stop`: a request in flight when the run ends is still answered and counted.
            using var response = await http.PostAsync("/v1/traces", content, CancellationToken.None);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null; // the server is gone (killed) or restarting
        }
        catch (TaskCanceledException) when (!stop.IsCancellationRequested)
        {
            return null; // timed out
        }
    }

    private static (byte[] Body, List<(string TraceId, string[] SpanIds)> Traces) NewRequest()
    {
        var request = new ExportTraceServiceRequest();
        var traces = new List<(string, string[])>();
        var spans = new List<OpenTelemetry.Proto.Trace.V1.Span>();
        for (var t = 0; t < TracesPerRequest; t++)
        {
            var traceId = OtlpRequests.NewTraceId();
            var root = OtlpRequests.NewSpanId();
            var ids = new List<byte[]> { root };
            spans.Add(OtlpRequests.Span(traceId, root, "POST /ask"));
            for (var s = 1; s < SpansPerTrace; s++)
            {
                var id = OtlpRequests.NewSpanId();
                ids.Add(id);
                spans.Add(OtlpRequests.Span(traceId, id, "chat gpt-4o-mini", root,
                    OtlpRequests.Attribute("gen_ai.operation.name", "chat"),
                    OtlpRequests.Attribute("gen_ai.provider.name", "openai"),
                    OtlpRequests.Attribute("gen_ai.usage.input_tokens", 100),
                    OtlpRequests.Attribute("gen_ai.input.messages", new string('p', 2000))));
            }

            traces.Add((OtlpRequests.Hex(traceId), ids.Select(OtlpRequests.Hex).ToArray()));
        }

        request.ResourceSpans.Add(OtlpRequests.Request("fault-ingest", [.. spans]).ResourceSpans);
        return (request.ToByteArray(), traces);
    }
}
