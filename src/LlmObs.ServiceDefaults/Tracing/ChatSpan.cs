using System.Diagnostics;
using LlmObs.Metrics;
using LlmObs.Semantics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlmObs.Tracing;

/// <summary>
/// Writes the GenAI <c>chat {model}</c> span of a call whose content is not captured, as Microsoft.Extensions.AI's
/// <see cref="OpenTelemetryChatClient"/> would (same name, kind, attributes and their types, status, metrics and log),
/// with LlmObs's attributes beside them. <c>ChatSpanParityTests</c> holds it to that client attribute for attribute.
/// </summary>
/// <remarks>
/// It exists for speed: LlmObs's attributes cost about 20 ns each on top of the client's, and this saves what wrapping
/// that client costs — an async state machine, a second layer, a span name and a finish-reasons string built per call.
/// </remarks>
internal sealed partial class ChatSpan
{
    private const string StopFinishReasons = "[\"stop\"]";

    private readonly LlmCallRecorder _recorder;
    private readonly ILogger? _logger;
    private readonly string? _serverAddress;
    private readonly object? _serverPort;
    private SpanName? _lastName;

    public ChatSpan(LlmCallRecorder recorder, ChatClientMetadata? metadata, ILogger? logger)
    {
        _recorder = recorder;
        _logger = logger;
        if (metadata?.ProviderUri is { } uri)
        {
            _serverAddress = uri.Host;
            _serverPort = uri.Port;
        }
    }

    /// <summary>Calls <paramref name="inner"/> inside the span; a response already there is recorded and passed up as it is.</summary>
    public Task<ChatResponse> TraceAsync(
        IChatClient inner, IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        if (messages is null)
        {
            // Checked before any span, as the OpenTelemetry client does.
            return FailedCall.From(new ArgumentNullException(nameof(messages)));
        }

        var model = options?.ModelId ?? _recorder.DefaultModel;
        var span = Start(model, options);
        var stopwatch = GenAiClientMetrics.OperationDuration.Enabled ? Stopwatch.StartNew() : null;

        Task<ChatResponse> call;
        try
        {
            call = inner.GetResponseAsync(messages, options, cancellationToken);
        }
        catch (Exception e)
        {
            // As an async method would: the failure travels in the task.
            End(span, model, stopwatch, null, e);
            return FailedCall.From(e);
        }

        if (!call.IsCompletedSuccessfully)
        {
            var awaited = Awaited(call, span, model, stopwatch);

            // Starting the span made it current in the caller's flow too, as this is not an async method (which would
            // restore it on return); the span ends in the continuation, so the caller gets its own span back here.
            if (span is not null)
            {
                Activity.Current = span.Parent;
            }

            return awaited;
        }

        End(span, model, stopwatch, call.Result, null);
        return call;
    }

    private async Task<ChatResponse> Awaited(Task<ChatResponse> call, Activity? span, string? model, Stopwatch? stopwatch)
    {
        ChatResponse? response = null;
        Exception? error = null;
        try
        {
            response = await call.ConfigureAwait(false);
            return response;
        }
        catch (Exception e)
        {
            error = e;
            throw;
        }
        finally
        {
            End(span, model, stopwatch, response, error);
        }
    }

    private Activity? Start(string? model, ChatOptions? options)
    {
        if (!LlmObsTelemetry.ActivitySource.HasListeners()
            || LlmObsTelemetry.ActivitySource.StartActivity(Name(model), ActivityKind.Client) is not { } span)
        {
            return null;
        }

        if (!span.IsAllDataRequested)
        {
            return span;
        }

        span.AddTag(GenAiAttributes.OperationName, GenAiAttributes.Operations.Chat)
            .AddTag(GenAiAttributes.RequestModel, model)
            .AddTag(GenAiAttributes.ProviderName, _recorder.Provider);
        if (_serverAddress is not null)
        {
            span.AddTag(GenAiAttributes.ServerAddress, _serverAddress).AddTag(GenAiAttributes.ServerPort, _serverPort);
        }

        if (options is not null)
        {
            AddRequestTags(span, options);
        }

        _recorder.Begin(span, options?.ConversationId is not null);
        return span;
    }

    // Written out, value by value, as the client writes them: a helper taking the values as object? (boxing each
    // nullable on the way) made the call ~50 ns slower in the quick A/B.
    private static void AddRequestTags(Activity span, ChatOptions options)
    {
        if (options.ConversationId is { } conversation)
        {
            span.AddTag(GenAiAttributes.ConversationId, conversation);
        }

        if (options.FrequencyPenalty is { } frequencyPenalty)
        {
            span.AddTag(GenAiAttributes.RequestFrequencyPenalty, frequencyPenalty);
        }

        if (options.MaxOutputTokens is { } maxTokens)
        {
            span.AddTag(GenAiAttributes.RequestMaxTokens, maxTokens);
        }

        if (options.PresencePenalty is { } presencePenalty)
        {
            span.AddTag(GenAiAttributes.RequestPresencePenalty, presencePenalty);
        }

        if (options.Seed is { } seed)
        {
            span.AddTag(GenAiAttributes.RequestSeed, seed);
        }

        if (options.StopSequences is { Count: > 0 } stopSequences)
        {
            span.AddTag(GenAiAttributes.RequestStopSequences, $"[{string.Join(", ", stopSequences.Select(s => $"\"{s}\""))}]");
        }

        if (options.Temperature is { } temperature)
        {
            span.AddTag(GenAiAttributes.RequestTemperature, temperature);
        }

        if (options.TopK is { } topK)
        {
            span.AddTag(GenAiAttributes.RequestTopK, topK);
        }

        if (options.TopP is { } topP)
        {
            span.AddTag(GenAiAttributes.RequestTopP, topP);
        }

        switch (options.ResponseFormat)
        {
            case ChatResponseFormatText:
                span.AddTag(GenAiAttributes.OutputType, "text");
                break;
            case ChatResponseFormatJson:
                span.AddTag(GenAiAttributes.OutputType, "json");
                break;
        }
    }

    private void End(Activity? span, string? model, Stopwatch? stopwatch, ChatResponse? response, Exception? error)
    {
        RecordMetrics(model, stopwatch, response, error);
        if (error is not null)
        {
            span?.AddTag(GenAiAttributes.ErrorType, error.GetType().FullName).SetStatus(ActivityStatusCode.Error, error.Message);
            if (_logger is not null)
            {
                OperationException(_logger, error);
            }
        }

        if (response is not null)
        {
            var recorded = span is { IsAllDataRequested: true } ? span : null;
            if (recorded is not null)
            {
                AddResponseTags(recorded, response);
            }

            _recorder.Record(recorded, response.ModelId ?? model, response.Usage);
        }

        span?.Dispose();
    }

    private static void AddResponseTags(Activity span, ChatResponse response)
    {
        if (response.FinishReason is { } finishReason)
        {
            span.AddTag(GenAiAttributes.ResponseFinishReasons, finishReason == ChatFinishReason.Stop
                ? StopFinishReasons
                : $"[\"{finishReason.Value.ToLowerInvariant()}\"]");
        }

        if (!string.IsNullOrWhiteSpace(response.ResponseId))
        {
            span.AddTag(GenAiAttributes.ResponseId, response.ResponseId);
        }

        if (response.ModelId is not null)
        {
            span.AddTag(GenAiAttributes.ResponseModel, response.ModelId);
        }

        if (response.Usage is not { } usage)
        {
            return;
        }

        if (usage.InputTokenCount is { } input)
        {
            span.AddTag(GenAiAttributes.InputTokens, (int)input);
        }

        if (usage.OutputTokenCount is { } output)
        {
            span.AddTag(GenAiAttributes.OutputTokens, (int)output);
        }

        if (usage.CachedInputTokenCount is { } cached)
        {
            span.AddTag(GenAiAttributes.CacheReadTokens, (int)cached);
        }

        if (usage.ReasoningTokenCount is { } reasoning)
        {
            span.AddTag(GenAiAttributes.ReasoningTokens, (int)reasoning);
        }
    }

    private void RecordMetrics(string? model, Stopwatch? stopwatch, ChatResponse? response, Exception? error)
    {
        if (stopwatch is not null && GenAiClientMetrics.OperationDuration.Enabled)
        {
            var tags = MetricTags(model, response);
            if (error is not null)
            {
                tags.Add(GenAiAttributes.ErrorType, error.GetType().FullName);
            }

            GenAiClientMetrics.OperationDuration.Record(stopwatch.Elapsed.TotalSeconds, tags);
        }

        if (GenAiClientMetrics.TokenUsage.Enabled && response?.Usage is { } usage)
        {
            if (usage.InputTokenCount is { } input)
            {
                GenAiClientMetrics.TokenUsage.Record((int)input, TokenTags("input", model, response));
            }

            if (usage.OutputTokenCount is { } output)
            {
                GenAiClientMetrics.TokenUsage.Record((int)output, TokenTags("output", model, response));
            }
        }
    }

    private TagList TokenTags(string type, string? model, ChatResponse response)
    {
        var tags = new TagList { { GenAiAttributes.TokenType, type } };
        AddMetricTags(ref tags, model, response);
        return tags;
    }

    private TagList MetricTags(string? model, ChatResponse? response)
    {
        var tags = default(TagList);
        AddMetricTags(ref tags, model, response);
        return tags;
    }

    private void AddMetricTags(ref TagList tags, string? model, ChatResponse? response)
    {
        tags.Add(GenAiAttributes.OperationName, GenAiAttributes.Operations.Chat);
        if (model is not null)
        {
            tags.Add(GenAiAttributes.RequestModel, model);
        }

        tags.Add(GenAiAttributes.ProviderName, _recorder.Provider);
        if (_serverAddress is not null)
        {
            tags.Add(GenAiAttributes.ServerAddress, _serverAddress);
            tags.Add(GenAiAttributes.ServerPort, _serverPort);
        }

        if (response?.ModelId is { } responseModel)
        {
            tags.Add(GenAiAttributes.ResponseModel, responseModel);
        }
    }

    // A pipeline nearly always asks for one model: its span name is made once, not per call.
    private string Name(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return GenAiAttributes.Operations.Chat;
        }

        var last = Volatile.Read(ref _lastName);
        if (last is not null && string.Equals(last.Model, model, StringComparison.Ordinal))
        {
            return last.Name;
        }

        last = new SpanName(model, $"{GenAiAttributes.Operations.Chat} {model}");
        Volatile.Write(ref _lastName, last);
        return last.Name;
    }

    [LoggerMessage(EventName = "gen_ai.client.operation.exception", Level = LogLevel.Warning, Message = "gen_ai.client.operation.exception")]
    private static partial void OperationException(ILogger logger, Exception error);

    private sealed record SpanName(string Model, string Name);
}
