namespace LlmObs.Server.Otlp;

/// <summary>A body that is not a valid OTLP export request; the receiver answers 400 / INVALID_ARGUMENT with its message.</summary>
internal sealed class OtlpDecodeException(string message, Exception? inner = null) : Exception(message, inner);
