using System.Text.Json.Serialization;

namespace LlmObs.Tracing;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<RetrievedDocument>))]
internal sealed partial class TracingJsonContext : JsonSerializerContext;
