using System.Net;
using System.Text;
using Google.Protobuf;
using LlmObs.Server.Tests.Infrastructure;
using OpenTelemetry.Proto.Collector.Trace.V1;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests;

/// <summary>The OTLP/HTTP rules (DESIGN.md) checked with hand-made requests, including ones no SDK would send.</summary>
public sealed class OtlpHttpConformanceTests(OtlpHttpConformanceTests.SmallLimitServer fixture) : IClassFixture<OtlpHttpConformanceTests.SmallLimitServer>
{
    private const int MaxRequestBytes = 256 * 1024;

    private LlmObsServer Server => fixture.Server;

    [Fact]
    public async Task Valid_export_is_answered_200_with_an_empty_protobuf_ExportTraceServiceResponse()
    {
        var traceId = NewTraceId();

        using var response = await Server.PostTracesAsync(Request("checkout", Span(traceId, NewSpanId(), "GET /cart")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LlmObsServer.ProtobufContentType, response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        var reply = ExportTraceServiceResponse.Parser.ParseFrom(body);
        Assert.Null(reply.PartialSuccess);
        Assert.Equal("GET /cart", Assert.Single((await Server.GetTraceAsync(Hex(traceId))).Spans).Name);
    }

    [Fact]
    public async Task Gzip_compressed_export_is_accepted_and_stored()
    {
        var traceId = NewTraceId();
        var request = Request("checkout", Span(traceId, NewSpanId(), "POST /pay", null, Attribute("payment.method", "card")));

        using var response = await Server.PostAsync("/v1/traces", Gzip(request.ToByteArray()), contentEncoding: "gzip");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var span = Assert.Single((await Server.GetTraceAsync(Hex(traceId))).Spans);
        Assert.Equal("POST /pay", span.Name);
        Assert.Equal("card", span.Attributes.GetProperty("payment.method").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Export_larger_than_the_limit_after_decompression_is_rejected_with_413_and_not_stored(bool gzip)
    {
        var traceId = NewTraceId();
        var oversized = Request("checkout", Span(traceId, NewSpanId(), "huge", null, Attribute("blob", new string('x', 2 * MaxRequestBytes))));
        var body = oversized.ToByteArray();
        if (gzip)
        {
            body = Gzip(body);
            Assert.True(body.Length < MaxRequestBytes / 10, "The compressed body should be far below the limit: only its expansion is too big.");
        }

        using var response = await Server.PostAsync("/v1/traces", body, contentEncoding: gzip ? "gzip" : null);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var status = await ReadStatusAsync(response);
        Assert.Contains(MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), status.Message);
        Assert.Null(await Server.FindTraceAsync(Hex(traceId)));
    }

    [Fact]
    public async Task Garbage_bytes_are_rejected_with_400_and_a_google_rpc_Status_body()
    {
        using var response = await Server.PostAsync("/v1/traces", Encoding.ASCII.GetBytes("this is not protobuf at all"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = await ReadStatusAsync(response);
        Assert.Equal(3, status.Code); // INVALID_ARGUMENT
        Assert.False(string.IsNullOrWhiteSpace(status.Message));
    }

    [Fact]
    public async Task Body_marked_gzip_that_is_not_gzip_is_rejected_with_400()
    {
        var plain = Request("checkout", Span(NewTraceId(), NewSpanId(), "GET /cart")).ToByteArray();

        using var response = await Server.PostAsync("/v1/traces", plain, contentEncoding: "gzip");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(3, (await ReadStatusAsync(response)).Code);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/octet-stream")]
    public async Task Unsupported_content_type_is_rejected_with_415(string contentType)
    {
        var traceId = NewTraceId();
        var body = Request("checkout", Span(traceId, NewSpanId(), "GET /cart")).ToByteArray();

        using var response = await Server.PostAsync("/v1/traces", body, contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Null(await Server.FindTraceAsync(Hex(traceId)));
    }

    [Fact]
    public async Task Unsupported_content_encoding_is_rejected_with_415()
    {
        var body = Request("checkout", Span(NewTraceId(), NewSpanId(), "GET /cart")).ToByteArray();

        using var response = await Server.PostAsync("/v1/traces", body, contentEncoding: "br");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Spans_with_bad_ids_are_counted_in_partial_success_while_the_good_spans_are_stored()
    {
        var service = "partial-" + Guid.NewGuid().ToString("N")[..8];
        var traceId = NewTraceId();
        var request = Request(service,
            Span(traceId, NewSpanId(), "good root"),
            Span(traceId[..15], NewSpanId(), "trace id too short"),
            Span(traceId, [], "no span id"),
            Span(traceId, NewSpanId()[..4], "span id too short"));

        using var response = await Server.PostTracesAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.NotNull(reply.PartialSuccess);
        Assert.Equal(3, reply.PartialSuccess.RejectedSpans);
        Assert.False(string.IsNullOrWhiteSpace(reply.PartialSuccess.ErrorMessage));

        Assert.Equal("good root", Assert.Single((await Server.GetTraceAsync(Hex(traceId))).Spans).Name);
        Assert.Equal(1, Assert.Single(await Server.ListTracesAsync(service)).SpanCount);
    }

    [Theory]
    [InlineData("/v1/logs")]
    [InlineData("/v1/metrics")]
    public async Task Logs_and_metrics_exports_are_answered_200_in_protobuf(string path)
    {
        // A zero-length body is a valid, empty ExportLogsServiceRequest / ExportMetricsServiceRequest.
        using var response = await Server.PostAsync(path, []);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LlmObsServer.ProtobufContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    private static async Task<Google.Rpc.Status> ReadStatusAsync(HttpResponseMessage response)
    {
        Assert.Equal(LlmObsServer.ProtobufContentType, response.Content.Headers.ContentType?.MediaType);
        return Google.Rpc.Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>A server whose request limit is small enough to cross cheaply.</summary>
    public sealed class SmallLimitServer : ServerFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["LlmObs:MaxRequestBytes"] = MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
