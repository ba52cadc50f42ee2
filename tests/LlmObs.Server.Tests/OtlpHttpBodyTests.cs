using System.Buffers;
using LlmObs.Server.Otlp;
using LlmObs.Server.Otlp.Http;

namespace LlmObs.Server.Tests;

public sealed class OtlpHttpBodyTests
{
    [Fact]
    public void A_pooled_body_is_its_announced_bytes_and_is_copied_out_for_whatever_keeps_it()
    {
        var rented = ArrayPool<byte>.Shared.Rent(1000);
        rented.AsSpan().Fill(0xEE);
        "payload"u8.CopyTo(rented);
        var body = OtlpHttpBody.Pooled(rented, 7, OtlpEncoding.Protobuf);

        var kept = body.ToArray();
        body.Dispose();
        body.Dispose(); // returned once

        Assert.Equal("payload"u8.ToArray(), kept);
        Assert.NotSame(rented, kept);
        Assert.Equal(7, body.Memory.Length);
    }

    [Fact]
    public void An_unpooled_body_hands_out_its_own_array()
    {
        var bytes = "payload"u8.ToArray();
        using var body = new OtlpHttpBody(bytes, OtlpEncoding.Json);

        Assert.Same(bytes, body.ToArray());
    }
}
