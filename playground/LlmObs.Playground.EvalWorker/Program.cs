using LlmObs.Playground.EvalWorker.Judging;
using Microsoft.Extensions.AI;

// The offline evaluation worker: judges the RAG service's answers stored in LlmObs and writes the scores back as
// annotations. The judge is a deterministic stand-in for a model, traced and priced under its own feature.
var builder = Host.CreateApplicationBuilder(args);

builder.AddLlmObservabilityDefaults();
builder.Services.AddKeyedChatClient(EvaluationWorkerExtensions.JudgeServiceKey, new SimulatedJudgeChatClient())
    .UseLlmTracing(options => options.Feature = "eval_judge");
builder.AddLlmObsEvaluationWorker();

builder.Build().Run();
