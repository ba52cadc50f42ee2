using System.Diagnostics;
using Google.Protobuf;
using LlmObs.Pricing;
using LlmObs.Redaction;
using LlmObs.Server.Ingest;
using LlmObs.Server.Normalization;
using LlmObs.Server.Otlp;
using LlmObs.Server.Redaction;
using LlmObs.Server.Tests.Fuzz;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests.Redaction;

/// <summary>
/// Mutated exports of the PII spans of every convention through decode, redact (Redacted and Off), map and re-encode:
/// byte-level mutations (most are refused by the decoder) and, since those rarely reach the redactor, mutations of the
/// content values themselves (JSON broken, nested deep, escaped, turned into arrays and maps, PII cut in pieces).
/// Whatever is decoded is redacted without an exception or a stall.
/// </summary>
public sealed class IngestRedactionFuzzTests
{
    private const int Payloads = 20_000;

    [Fact]
    public void Mutated_exports_with_content_are_redacted_or_rejected_never_crash_or_stall()
    {
        var mapper = new OtlpSpanMapper(new LlmSpanNormalizer(PriceCatalog.Default));
        var userIds = new UserIdRedactor(RedactionFixture.UserIdHashKey);
        IngestRedactor[] redactors =
        [
            new(ContentMode.Redacted, new PiiRedactor(new LlmRedactionOptions { CustomPatterns = { ["employee_id"] = RedactionFixture.EmployeeIdPattern } }), userIds),
            new(ContentMode.Off, userIds: userIds),
        ];
        var seeds = PiiSpans.Conventions.Select(c => Request("fuzz", PiiSpans.Create(c).Span).ToByteArray()).ToArray();
        var mutator = new PayloadMutator(seed: 20260302);
        var outcomes = new Dictionary<string, int>();
        var slowest = TimeSpan.Zero;

        for (var i = 0; i < Payloads; i++)
        {
            var payload = mutator.MutateProtobuf(seeds[i % seeds.Length], seeds[(i * 7 + 3) % seeds.Length]);
            var watch = Stopwatch.StartNew();
            string outcome;
            try
            {
                var request = (ExportTraceServiceRequest)OtlpCodec.Decode(OtlpSignal.Traces, payload, OtlpEncoding.Protobuf);
                outcome = redactors[i % 2].Redact(request) ? "redacted" : "unchanged";
                mapper.Map(request, new IngestSource("fuzz"));
                _ = request.ToByteArray();
            }
            catch (OtlpDecodeException)
            {
                outcome = "rejected";
            }
            catch (Exception ex)
            {
                Assert.Fail($"Payload {i} threw {ex.GetType().Name}: {ex.Message}\npayload (base64): {Convert.ToBase64String(payload)}\n{ex}");
                throw;
            }

            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        TestContext.Current.SendDiagnosticMessage(string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")) + $"; slowest {slowest.TotalMilliseconds:F1} ms");
        Assert.True(slowest < TimeSpan.FromSeconds(5), $"The slowest payload took {slowest}.");
        Assert.True(outcomes.GetValueOrDefault("redacted") > 100, string.Join(", ", outcomes));
    }

    [Fact]
    public void Mutated_content_values_are_redacted_without_exceptions_or_stalls()
    {
        var mapper = new OtlpSpanMapper(new LlmSpanNormalizer(PriceCatalog.Default));
        var random = new Random(20260303);
        IngestRedactor[] redactors =
        [
            new(ContentMode.Redacted, new PiiRedactor(new LlmRedactionOptions { CustomPatterns = { ["employee_id"] = RedactionFixture.EmployeeIdPattern } })),
            new(ContentMode.Off),
        ];
        var conventions = PiiSpans.Conventions.ToArray();
        var slowest = TimeSpan.Zero;
        var redacted = 0;

        for (var i = 0; i < Payloads; i++)
        {
            var pii = PiiSpans.Create(conventions[i % conventions.Length]);
            foreach (var attribute in pii.Span.Attributes.Concat(pii.Span.Events.SelectMany(e => e.Attributes)))
            {
                if (attribute.Value.ValueCase == AnyValue.ValueOneofCase.StringValue && random.Next(3) > 0)
                {
                    attribute.Value = MutateValue(attribute.Value.StringValue, random);
                }
            }

            // Through the wire format, as a sender's export arrives: protobuf carries no half surrogate pairs.
            var request = ExportTraceServiceRequest.Parser.ParseFrom(Request("fuzz", pii.Span).ToByteArray());
            var watch = Stopwatch.StartNew();
            try
            {
                redacted += redactors[i % 2].Redact(request) ? 1 : 0;
                mapper.Map(request, new IngestSource("fuzz"));
                _ = request.ToByteArray();
            }
            catch (Exception ex)
            {
                Assert.Fail($"Span {i} threw {ex.GetType().Name}: {ex.Message}\n{ex}");
                throw;
            }

            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
        }

        TestContext.Current.SendDiagnosticMessage($"redacted {redacted} of {Payloads}; slowest {slowest.TotalMilliseconds:F1} ms");
        Assert.True(slowest < TimeSpan.FromSeconds(5), $"The slowest span took {slowest}.");
        Assert.True(redacted > Payloads / 2, $"Only {redacted} of {Payloads} spans were changed.");
    }

    private static readonly string[] Pieces =
        ["@", "+", "(", ":", "=", "\\", "\"", "{", "}", "[", "]", "\\u0040", "\\u002B", "\uD83D\uDE00", "\0", "4111", "7946", "0958", "EMP-", "Bearer ", "password=", PiiSpans.Email, PiiSpans.Phone];

    private static AnyValue MutateValue(string value, Random random)
    {
        switch (random.Next(6))
        {
            case 0: // pieces of PII, escapes and JSON punctuation spliced in
                var text = new System.Text.StringBuilder(value);
                for (var n = random.Next(1, 8); n > 0; n--)
                {
                    text.Insert(random.Next(text.Length + 1), Pieces[random.Next(Pieces.Length)]);
                }

                return new AnyValue { StringValue = text.ToString() };
            case 1: // cut short: broken JSON, half an address
                return new AnyValue { StringValue = value[..random.Next(value.Length + 1)] };
            case 2: // nested far deeper than any message list
                var depth = random.Next(1, 200);
                return new AnyValue { StringValue = new string('[', depth) + "\"" + PiiSpans.Email + "\"" + new string(']', random.Next(depth + 1)) };
            case 3: // the value as an array of strings and numbers
                return new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { StringValue = value }, new AnyValue { IntValue = random.Next() }, new AnyValue { StringValue = PiiSpans.Phone } } } };
            case 4: // the value in a map, in a map
                return new AnyValue
                {
                    KvlistValue = new KeyValueList { Values = { new KeyValue { Key = "inner", Value = new AnyValue { KvlistValue = new KeyValueList { Values = { new KeyValue { Key = "text", Value = new AnyValue { StringValue = value } } } } } } } },
                };
            default: // long: the same text many times
                return new AnyValue { StringValue = string.Concat(Enumerable.Repeat(value, random.Next(1, 40))) };
        }
    }
}
