using LlmObs.Server;
using LlmObs.Server.Admin;
using LlmObs.Server.Annotations;
using LlmObs.Server.Api;
using LlmObs.Server.Hosting;
using LlmObs.Server.Sampling;
using LlmObs.Server.Storage;
using LlmObs.Server.Ui;

var builder = WebApplication.CreateBuilder(args);

var options = builder.Configuration.GetSection(LlmObsServerOptions.SectionName).Get<LlmObsServerOptions>() ?? new();
builder.Services.Configure<LlmObsServerOptions>(builder.Configuration.GetSection(LlmObsServerOptions.SectionName));
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes);
builder.Services.ConfigureHttpJsonOptions(json =>
{
    json.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
});

builder.AddOtlpIngest(options); // OTLP/HTTP + JSON, OTLP/gRPC on LlmObs:GrpcPort, normalisation, gateway forwarding
builder.Services.AddSpanStore(builder.Configuration); // LlmObs:Storage:Provider picks DuckDB (default) or PostgreSQL
builder.Services.AddTailSampling(builder.Configuration); // LlmObs:Sampling: tail sampling in front of the store
builder.Services.AddHealthChecks();
builder.Services.AddProblemDetails();
builder.Services.AddQueryApi(); // query API, OpenAPI document, span queries for the configured engine
builder.Services.AddAnnotations(); // annotation store on the spans' engine

var app = builder.Build();

app.MapHealthChecks("/health");
app.MapOtlpIngest(options);
app.UseLlmObsUi(); // CSP header, UI files, /traces and /dashboard pages
app.MapQueryApi();
app.MapAnnotations(); // annotations, quality aggregates, Langfuse scores and Phoenix span annotations
app.MapAdminApi(); // clear, export, recompute costs, live summary: the AppHost's commands
app.MapSamplingApi(); // kept/dropped counts by reason, and the equivalent Collector configuration
app.MapGet("/", () => Results.Redirect("/traces"));

app.Run();
