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
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            try
            {
                int read;
                while ((read = await source.ReadAsync(chunk, context.RequestAborted)) > 0)
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

            return new OtlpHttpBody(buffer.ToArray(), encoding);
        }
    }
}
