using LlmObs.Evaluation.Evaluators;
using LlmObs.Evaluation.Telemetry;
using LlmObs.Evaluation.Worker;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers LlmObs's offline evaluation worker.</summary>
public static class EvaluationWorkerExtensions
{
    /// <summary>The service key of the <see cref="IChatClient"/> the LLM judge uses, when one is registered under it.</summary>
    public const string JudgeServiceKey = "eval_judge";

    /// <summary>
    /// Adds the offline evaluation worker: every poll it asks LlmObs for model calls not yet evaluated, judges the
    /// sampled share within the budget with the groundedness, answer and format evaluators (and the LLM judge when an
    /// <see cref="IChatClient"/> is registered under <see cref="JudgeServiceKey"/>), and writes annotations back.
    /// Settings come from <c>LlmObs:Evaluation</c> (<see cref="EvaluationWorkerOptions"/>). Add more evaluators by
    /// registering <see cref="IEvaluator"/>s. Also registers the annotation client.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Changes to the configured options.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static TBuilder AddLlmObsEvaluationWorker<TBuilder>(this TBuilder builder, Action<EvaluationWorkerOptions>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddLlmObsAnnotationClient();
        var options = builder.Services.AddOptions<EvaluationWorkerOptions>().BindConfiguration(EvaluationWorkerOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<EvaluationEvents>();
        builder.Services.AddSingleton<IEvaluator, GroundednessOverlapEvaluator>();
        builder.Services.AddSingleton<IEvaluator, AnswerPresenceEvaluator>();
        builder.Services.AddSingleton<IEvaluator>(sp => new FormatEvaluator(sp.GetRequiredService<IOptions<EvaluationWorkerOptions>>().Value.Format));
        builder.Services.AddSingleton<IEvaluator, LlmJudgeEvaluator>();
        builder.Services.AddSingleton(sp => new OfflineEvaluation(
            sp.GetRequiredService<LlmObs.Annotations.LlmObsAnnotationClient>(),
            sp.GetServices<IEvaluator>(),
            sp.GetKeyedService<IChatClient>(JudgeServiceKey) is { } judge ? new ChatConfiguration(judge) : null,
            sp.GetRequiredService<EvaluationEvents>(),
            sp.GetRequiredService<IOptions<EvaluationWorkerOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<OfflineEvaluation>>()));
        builder.Services.AddHostedService<EvaluationWorker>();
        return builder;
    }
}
