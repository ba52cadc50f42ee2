using System.Text.Json;
using Google.Protobuf.Collections;
using LlmObs.Server.Ingest;
using OpenTelemetry.Proto.Common.V1;

namespace LlmObs.Server.Tests.Ingest;

public sealed class OtlpJsonTests
{
    [Fact]
    public void Attributes_keep_their_text_as_utf8_and_escape_only_what_json_requires()
    {
        const string value = "Grüße «zèbre» <b>\"quoted\"</b> & 日本語\n\u0001";
        var attributes = new RepeatedField<KeyValue> { new KeyValue { Key = "app.note", Value = new AnyValue { StringValue = value } } };

        var json = OtlpJson.Attributes(attributes);

        Assert.Equal("""{"app.note":"Grüße «zèbre» <b>\"quoted\"</b> & 日本語\n\u0001"}""", json);
        Assert.Equal(value, JsonDocument.Parse(json).RootElement.GetProperty("app.note").GetString());
    }
}
