using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmObs.Server.Ingest;

namespace LlmObs.Server.Tests.Ingest;

/// <summary>
/// Stored JSON, content hashes and search needles depend on every byte of an escaped string, so the fast path must write
/// exactly what <see cref="Utf8JsonWriter"/> writes with the relaxed encoder, for every character.
/// </summary>
public sealed class RelaxedJsonStringTests
{
    private static readonly string Padding = new('a', RelaxedJsonString.MinLength);

    [Fact]
    public void Every_utf16_code_unit_is_written_as_the_writer_writes_it()
    {
        // Each code unit alone (lone surrogates included), inside text long enough to take the fast path.
        for (var c = 0; c <= char.MaxValue; c++)
        {
            AssertSameAsWriter(Padding + (char)c + "\" tail");
        }
    }

    [Fact]
    public void Supplementary_characters_and_mixed_texts_are_written_as_the_writer_writes_them()
    {
        AssertSameAsWriter(Padding + "😀 𝄞 " + char.ConvertFromUtf32(0x10FFFF) + char.ConvertFromUtf32(0xE0001));
        AssertSameAsWriter(Padding + "\uD83D"); // a high surrogate at the end
        AssertSameAsWriter("\uDE00" + Padding);  // a low surrogate at the start
        AssertSameAsWriter(new string('"', 300));
        AssertSameAsWriter(new string('é', 300));
        AssertSameAsWriter(Padding); // nothing to escape

        var random = new Random(7);
        var alphabet = "ab \"\\\n\r\t\b\f\u0001\u001f\u007f<>&'+/é日本語«»\u2028\u2029\uFEFF\uFFFD\u0378".ToCharArray();
        for (var i = 0; i < 2_000; i++)
        {
            var text = new StringBuilder();
            var length = random.Next(RelaxedJsonString.MinLength, 3_000);
            while (text.Length < length)
            {
                text.Append(random.Next(4) == 0 ? "😀" : alphabet[random.Next(alphabet.Length)].ToString());
            }

            AssertSameAsWriter(text.ToString());
        }
    }

    [Fact]
    public void Short_strings_are_left_to_the_writer()
    {
        AssertSameAsWriter("short \"quoted\" \n");
        AssertSameAsWriter(string.Empty);
    }

    private static void AssertSameAsWriter(string value)
    {
        var expected = Write(writer => writer.WriteStringValue(value));
        var actual = Write(writer => RelaxedJsonString.Write(writer, value));
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            Assert.Fail($"Differs for {JsonSerializer.Serialize(value)[..Math.Min(80, value.Length)]}…: writer {Encoding.UTF8.GetString(expected)[^20..]}, fast {Encoding.UTF8.GetString(actual)[^20..]}");
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            // Inside an object, as the attributes are written.
            writer.WriteStartObject();
            writer.WritePropertyName("k");
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
