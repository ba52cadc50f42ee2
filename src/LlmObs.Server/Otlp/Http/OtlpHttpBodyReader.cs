using System.IO.Compression;
using Microsoft.Extensions.Options;

namespace LlmObs.Server.Otlp.Http;

/// <summary>
/// Reads an OTLP/HTTP body: checks the content type and encoding, gunzips, and enforces the size limit after
/// decompression. On bad input it answers the request itself (in OTLP's error form) and returns null.
/// </summary>
internal sealed class OtlpHttpBodyReader(IOptions<LlmObsServerOptions> options)
{
    public async Task<OtlpHttpBody?> ReadAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBytes;
        if (OtlpMediaType.Parse(context.Request.ContentType) is not { } encoding)
        {
            await OtlpHttpResponses.WriteStatusAsync(context, OtlpEncoding.Protobuf, StatusCodes.Status415UnsupportedMediaType, RpcCode.InvalidArgument,
                $"Content-Type '{context.Request.ContentType}' is not supported; send {OtlpMediaType.Protobuf} or {OtlpMediaType.Json}.");
            return null;
        }

        var contentEncoding = context.Request.Headers.ContentEncoding.ToString();
        Stream source = context.Request.Body;
        if (contentEncoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            source = new GZipStream(source, CompressionMode.Decompress);
        }
        else if (contentEncoding.Length > 0 && !contentEncoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            await OtlpHttpResponses.WriteStatusAsync(context, encoding, StatusCodes.Status415UnsupportedMediaType, RpcCode.InvalidArgument,
                $"Content-Encoding '{contentEncoding}' is not supported; send gzip or no encoding.");
            return null;
        }

        await using (source)
        {
            try
            {
                // An uncompressed body of announced length (what every SDK sends) is read straight into one pooled
                // buffer: no growing buffer to copy through, no final copy and no fresh large-object-heap array.
                var length = context.Request.ContentLength;
                if (ReferenceEquals(source, context.Request.Body) && length is { } announced && announced <= limit)
                {
                    return await ReadExactAsync(context, source, (int)announced, encoding).ConfigureAwait(false);
                }

                return await ReadChunkedAsync(context, source, limit, encoding).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                await OtlpHttpResponses.WriteStatusAsync(context, encoding, StatusCodes.Status400BadRequest, RpcCode.InvalidArgument, "The body is not valid gzip.");
                return null;
            }
            catch (BadHttpRequestException ex)
            {
                // Kestrel enforces the same limit (MaxRequestBodySize) on the bytes as sent; answer it in OTLP's form too.
                var message = ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? $"The request exceeds {limit} bytes." : ex.Message;
                await OtlpHttpResponses.WriteStatusAsync(context, encoding, ex.StatusCode, RpcCode.InvalidArgument, message);
                return null;
            }
        }
    }

    private static async Task<OtlpHttpBody?> ReadExactAsync(HttpContext context, Stream source, int length, OtlpEncoding encoding)
    {
        if (length == 0)
        {
            return new OtlpHttpBody([], encoding);
        }

        var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var read = 0;
            while (read < length)
            {
                var n = await source.ReadAsync(bytes.AsMemory(read, length - read), context.RequestAborted).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            // Kestrel reads no further than Content-Length, and reports a shorter body itself; this is the guard behind it.
            if (read < length)
            {
                throw new BadHttpRequestException("The body does not match its Content-Length.", StatusCodes.Status400BadRequest);
            }
        }
        catch
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
            throw;
        }

        return OtlpHttpBody.Pooled(bytes, length, encoding);
    }

    private static async Task<OtlpHttpBody?> ReadChunkedAsync(HttpContext context, Stream source, long limit, OtlpEncoding encoding)
    {
        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await source.ReadAsync(chunk.AsMemory(0, 81920), context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                // Measured after decompression: a small gzip body can expand without bound.
                if (buffer.Length + read > limit)
                {
                    await OtlpHttpResponses.WriteStatusAsync(context, encoding, StatusCodes.Status413PayloadTooLarge, RpcCode.InvalidArgument,
                        $"The request exceeds {limit} bytes after decompression.");
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        return new OtlpHttpBody(buffer.ToArray(), encoding);
    }
}
