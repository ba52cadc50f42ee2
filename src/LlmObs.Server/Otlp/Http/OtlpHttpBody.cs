namespace LlmObs.Server.Otlp.Http;

/// <summary>An OTLP/HTTP request body, decompressed and within the size limit, and the encoding it claims.</summary>
internal sealed record OtlpHttpBody(byte[] Bytes, OtlpEncoding Encoding);
