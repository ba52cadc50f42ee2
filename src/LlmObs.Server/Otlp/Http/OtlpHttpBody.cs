using System.Buffers;

namespace LlmObs.Server.Otlp.Http;

/// <summary>
/// An OTLP/HTTP request body, decompressed and within the size limit, and the encoding it claims. A protobuf body of
/// announced length lives in a pooled buffer until the request ends (<see cref="Dispose"/>): a 400 KB export was a
/// fresh large-object-heap array a request, each one faulted in and a step towards the next blocking gen2 collection.
/// </summary>
internal sealed class OtlpHttpBody : IDisposable
{
    private byte[]? _pooled;
    private readonly byte[] _buffer;
    private readonly int _length;

    public OtlpHttpBody(byte[] bytes, OtlpEncoding encoding)
        : this(bytes, bytes.Length, encoding, pooled: false)
    {
    }

    private OtlpHttpBody(byte[] buffer, int length, OtlpEncoding encoding, bool pooled)
    {
        _buffer = buffer;
        _length = length;
        _pooled = pooled ? buffer : null;
        Encoding = encoding;
    }

    /// <summary>A body in a buffer rented from <see cref="ArrayPool{T}.Shared"/>, given back by <see cref="Dispose"/>.</summary>
    public static OtlpHttpBody Pooled(byte[] rented, int length, OtlpEncoding encoding) => new(rented, length, encoding, pooled: true);

    public OtlpEncoding Encoding { get; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

    /// <summary>The body as an array of its own (a copy when it is pooled), for whatever keeps it past the request.</summary>
    public byte[] ToArray() => _pooled is null && _buffer.Length == _length ? _buffer : _buffer.AsSpan(0, _length).ToArray();

    public void Dispose()
    {
        if (_pooled is { } pooled)
        {
            _pooled = null;
            ArrayPool<byte>.Shared.Return(pooled);
        }
    }
}
