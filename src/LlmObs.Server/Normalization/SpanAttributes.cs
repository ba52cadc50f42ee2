using Google.Protobuf.Collections;
using LlmObs.Server.Ingest;
using OpenTelemetry.Proto.Common.V1;

namespace LlmObs.Server.Normalization;

/// <summary>
/// A span's attributes by key (the last of duplicate keys wins, as OpenTelemetry SDKs overwrite), read with the
/// lenience other SDKs need: numbers may arrive as strings, strings as numbers, content as structured values.
/// </summary>
internal sealed class SpanAttributes
{
    private readonly Dictionary<string, AnyValue> _values;

    public SpanAttributes(RepeatedField<KeyValue> attributes)
    {
        _values = new Dictionary<string, AnyValue>(attributes.Count, StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            if (attribute.Value is not null)
            {
                _values[attribute.Key] = attribute.Value;
            }
        }
    }

    public IEnumerable<KeyValuePair<string, AnyValue>> All => _values;

    public bool Contains(string key) => _values.ContainsKey(key);

    public bool AnyStartsWith(string prefix)
    {
        foreach (var key in _values.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public AnyValue? Get(string key) => _values.GetValueOrDefault(key);

    public string? String(string key) => AttributeValue.AsString(Get(key));

    public long? Long(string key) => AttributeValue.AsLong(Get(key));

    public double? Double(string key) => AttributeValue.AsDouble(Get(key));

    /// <summary>Content: a string as it is, a structured value as JSON.</summary>
    public string? Text(string key) => AttributeValue.AsText(Get(key));
}

/// <summary>Lenient conversions of one OTLP attribute value.</summary>
internal static class AttributeValue
{
    public static string? AsString(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue when value.StringValue.Length > 0 => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        _ => null,
    };

    public static long? AsLong(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue when double.IsFinite(value.DoubleValue) && Math.Abs(value.DoubleValue) < 9e18 => (long)value.DoubleValue,
        AnyValue.ValueOneofCase.StringValue when long.TryParse(value.StringValue, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    public static double? AsDouble(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.DoubleValue when double.IsFinite(value.DoubleValue) => value.DoubleValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.StringValue when double.TryParse(value.StringValue, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed) => parsed,
        _ => null,
    };

    public static string? AsText(AnyValue? value) => value?.ValueCase switch
    {
        null or AnyValue.ValueOneofCase.None => null,
        AnyValue.ValueOneofCase.StringValue => value.StringValue.Length > 0 ? value.StringValue : null,
        AnyValue.ValueOneofCase.ArrayValue or AnyValue.ValueOneofCase.KvlistValue => OtlpJson.Value(value),
        _ => AsString(value),
    };
}
