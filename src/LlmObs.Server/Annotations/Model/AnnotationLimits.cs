namespace LlmObs.Server.Annotations.Model;

/// <summary>Bounds on what one annotation may hold, so a misbehaving client cannot fill the store with one request.</summary>
internal static class AnnotationLimits
{
    public const int NameLength = 200;
    public const int LabelLength = 200;
    public const int IdentifierLength = 200;
    public const int ExplanationLength = 16_000;
    public const int MetadataLength = 16_000;
    public const int BatchSize = 1000;
}
