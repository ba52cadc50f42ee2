namespace LlmObs.Pricing;

/// <summary>The processing tier a request ran on; providers price each tier differently.</summary>
public enum ServiceTier
{
    /// <summary>Regular synchronous processing.</summary>
    Standard,

    /// <summary>Asynchronous batch processing, usually at half price.</summary>
    Batch,

    /// <summary>Priority processing at a premium.</summary>
    Priority,

    /// <summary>Flex processing: cheaper, slower and may be unavailable.</summary>
    Flex,
}
