var builder = DistributedApplication.CreateBuilder(args);

// LlmObs: stores and prices every LLM span, forwards all telemetry on to the Aspire dashboard.
var llmobs = builder.AddLlmObservability("llmobs")
    .WithCostAlert(thresholdUsd: 0.001); // a notification in the dashboard when one call costs more than a tenth of a cent

builder.AddProject<Projects.LlmObs_Playground_RagApi>("rag")
    .WithReference(llmobs)
    .WaitFor(llmobs);

// Offline evaluation: judges the stored answers and writes quality annotations back to LlmObs.
builder.AddProject<Projects.LlmObs_Playground_EvalWorker>("evalworker")
    .WithReference(llmobs)
    .WaitFor(llmobs);

builder.Build().Run();
