using System.Globalization;
using Google.Protobuf.Collections;
using LlmObs.Redaction;
using LlmObs.Semantics;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace LlmObs.Server.Redaction;

/// <summary>
/// Applies the server's <see cref="IngestRedactionOptions.Mode"/> to an export before anything reads it: the content
/// attributes and events of every convention (<see cref="ContentAttributes"/>) are redacted with the services' own
/// <see cref="PiiRedactor"/> or removed, and raw user ids are hashed with their <see cref="UserIdRedactor"/>. The store,
/// the canonical view and the forwarded copy are all made from the request after this, so none sees what was removed.
/// </summary>
internal sealed class IngestRedactor
{
    private readonly ContentMode _mode;
    private readonly PiiRedactor? _pii;
    private readonly UserIdRedactor? _userIds;

    public IngestRedactor(ContentMode mode, PiiRedactor? pii = null, UserIdRedactor? userIds = null)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not a content mode.");
        }

        _mode = mode;
        if (mode != ContentMode.Raw)
        {
            _pii = mode == ContentMode.Redacted ? pii ?? new PiiRedactor() : null;
            // Without a key, a random one, as the services do: ids are never kept raw, but their hashes change on restart.
            _userIds = userIds ?? ContentPolicy.UserIdRedactorFor(null);
        }
    }

    /// <summary>
    /// The redactor <c>LlmObs:Redaction</c> describes: its <c>Mode</c>, and the kinds and custom patterns the services
    /// read from the same section; user ids are hashed under <c>LlmObs:UserIdHashKey</c>, the services' key, so both
    /// hash a user alike. Built at start, so a bad pattern or a short key stops the server with the reason.
    /// </summary>
    public static IngestRedactor Create(IConfiguration configuration, LlmObsServerOptions options)
    {
        var mode = options.Redaction.Mode;
        if (mode == ContentMode.Raw)
        {
            return new IngestRedactor(mode);
        }

        var kinds = configuration.GetSection($"{LlmObsServerOptions.SectionName}:Redaction").Get<LlmRedactionOptions>() ?? new LlmRedactionOptions();
        return new IngestRedactor(
            mode,
            mode == ContentMode.Redacted ? new PiiRedactor(kinds) : null,
            ContentPolicy.UserIdRedactorFor(options.UserIdHashKey));
    }

    /// <summary>The mode applied.</summary>
    public ContentMode Mode => _mode;

    /// <summary>Redacts the request in place; true when anything changed, so that forwarding re-encodes it.</summary>
    public bool Redact(ExportTraceServiceRequest request)
    {
        if (_mode == ContentMode.Raw)
        {
            return false;
        }

        var changed = false;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                foreach (var span in scopeSpans.Spans)
                {
                    changed |= Redact(span);
                }
            }
        }

        return changed;
    }

    /// <summary>
    /// Redacts the GenAI events of a logs export in place, before it is forwarded: instrumentations that send content as
    /// log records (<c>gen_ai.user.message</c>, <c>gen_ai.choice</c>… with the message in the body, as OpenTelemetry's
    /// Python GenAI instrumentations do) get the same treatment as span content. Other log records keep their body;
    /// their content-named attributes and raw user ids are treated as on spans. True when anything changed.
    /// </summary>
    public bool Redact(ExportLogsServiceRequest request)
    {
        if (_mode == ContentMode.Raw)
        {
            return false;
        }

        var changed = false;
        foreach (var resourceLogs in request.ResourceLogs)
        {
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                foreach (var record in scopeLogs.LogRecords)
                {
                    changed |= Redact(record);
                }
            }
        }

        return changed;
    }

    private bool Redact(LogRecord record)
    {
        var eventName = record.EventName;
        if (eventName.Length == 0)
        {
            // Before event_name was a field, the event API put the name in an attribute.
            foreach (var attribute in record.Attributes)
            {
                if (attribute.Key == "event.name" && attribute.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue)
                {
                    eventName = attribute.Value.StringValue;
                }
            }
        }

        var replaced = 0;
        var removed = false;
        if (eventName.StartsWith("gen_ai.", StringComparison.Ordinal) && record.Body is { ValueCase: not AnyValue.ValueOneofCase.None } body)
        {
            if (_pii is null)
            {
                record.Body = null;
                removed = true;
            }
            else
            {
                replaced += RedactValue(body, _pii);
            }
        }

        if (record.Attributes.Count > 0)
        {
            removed |= Apply(record.Attributes, eventName, ref replaced);
        }

        if (replaced > 0)
        {
            SetRedactedCount(record.Attributes, replaced);
        }

        return replaced > 0 || removed;
    }

    private bool Redact(Span span)
    {
        var attributes = span.Attributes;

        // One pass over the keys decides for the many spans with nothing to redact (HTTP, database, most of a trace).
        var found = false;
        var redactedBySender = false;
        foreach (var attribute in attributes)
        {
            if (ContentAttributes.Of(attribute.Key) != AttributeRole.None)
            {
                found = true;
            }
            else if (attribute.Key == LlmObsAttributes.RedactedCount)
            {
                redactedBySender = true;
            }
        }

        // LlmObs's service side marks what it redacted; its content and its user (only ever a hash) are left alone
        // rather than scanned twice. Dropping content still applies: Off means none is kept, redacted or not.
        if (redactedBySender && _mode == ContentMode.Redacted)
        {
            return false;
        }

        var replaced = 0;
        var removed = false;
        if (found)
        {
            removed |= Apply(attributes, eventName: null, ref replaced);
        }

        foreach (var e in span.Events)
        {
            if (e.Attributes.Count > 0)
            {
                removed |= Apply(e.Attributes, e.Name, ref replaced);
            }
        }

        if (replaced > 0)
        {
            SetRedactedCount(attributes, replaced);
        }

        return replaced > 0 || removed;
    }

    // Returns whether an attribute was removed; counts what was replaced.
    private bool Apply(RepeatedField<KeyValue> attributes, string? eventName, ref int replaced)
    {
        var removed = false;
        for (var i = attributes.Count - 1; i >= 0; i--)
        {
            var attribute = attributes[i];
            if (attribute.Value is not { } value)
            {
                continue;
            }

            switch (eventName is null ? ContentAttributes.Of(attribute.Key) : ContentAttributes.OfEvent(eventName, attribute.Key))
            {
                case AttributeRole.Content when _pii is null:
                    attributes.RemoveAt(i);
                    removed = true;
                    break;
                case AttributeRole.Content:
                    replaced += RedactValue(value, _pii);
                    break;
                case AttributeRole.UserId when HashUserId(value):
                    replaced++;
                    break;
            }
        }

        return removed;
    }

    /// <summary>Redacts a value in place, strings inside arrays and maps included; returns how much was replaced.</summary>
    private static int RedactValue(AnyValue value, PiiRedactor pii)
    {
        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                var text = value.StringValue;
                var redacted = pii.RedactContent(text, out var count);
                if (!ReferenceEquals(redacted, text))
                {
                    value.StringValue = redacted;
                }

                return count;
            case AnyValue.ValueOneofCase.ArrayValue:
                var total = 0;
                foreach (var item in value.ArrayValue.Values)
                {
                    total += RedactValue(item, pii);
                }

                return total;
            case AnyValue.ValueOneofCase.KvlistValue:
                var sum = 0;
                foreach (var entry in value.KvlistValue.Values)
                {
                    if (entry.Value is not null)
                    {
                        sum += RedactValue(entry.Value, pii);
                    }
                }

                return sum;
            default:
                return 0;
        }
    }

    private bool HashUserId(AnyValue value)
    {
        var id = value.ValueCase switch
        {
            AnyValue.ValueOneofCase.StringValue => value.StringValue,
            AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }

        value.StringValue = _userIds!.Hash(id);
        return true;
    }

    private static void SetRedactedCount(RepeatedField<KeyValue> attributes, int count)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.Key == LlmObsAttributes.RedactedCount)
            {
                // Only reached in Off mode (Redacted leaves a sender's marked span alone): what was hashed adds to it.
                attribute.Value = new AnyValue { IntValue = (attribute.Value?.ValueCase == AnyValue.ValueOneofCase.IntValue ? attribute.Value.IntValue : 0) + count };
                return;
            }
        }

        attributes.Add(new KeyValue { Key = LlmObsAttributes.RedactedCount, Value = new AnyValue { IntValue = count } });
    }
}
