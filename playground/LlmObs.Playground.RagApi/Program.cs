using LlmObs.Playground.RagApi.Answering;
using LlmObs.Playground.RagApi.Providers;
using LlmObs.Playground.RagApi.Retrieval;
using LlmObs.Playground.RagApi.Summarising;

var builder = WebApplication.CreateBuilder(args);

builder.AddLlmObservabilityDefaults();
builder.AddModelProviders();

builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
{
    // Unreadable JSON reaches the client as a bare 400: say what the body should look like.
    if (context.ProblemDetails is { Status: StatusCodes.Status400BadRequest, Detail: null } and not HttpValidationProblemDetails
        && context.HttpContext.Request.Path.StartsWithSegments("/ask"))
    {
        context.ProblemDetails.Detail = """The body must be JSON like {"question": "How do refunds work?", "userId": "optional"}.""";
    }
    else if (context.ProblemDetails is { Status: StatusCodes.Status400BadRequest, Detail: null } and not HttpValidationProblemDetails
        && context.HttpContext.Request.Path.StartsWithSegments("/summarise"))
    {
        context.ProblemDetails.Detail = """The body must be JSON like {"ticket": "The customer was charged twice…", "userId": "optional"}.""";
    }
});

// Development otherwise throws on unreadable bodies and answers 500; a client's bad JSON is a 400 everywhere.
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
builder.Services.AddSingleton<DocumentIndex>();
builder.Services.AddSingleton<HandbookRetriever>();
builder.Services.AddHostedService<HandbookIndexer>();
builder.Services.AddSingleton(_ => AnswerPrompt.Load(AnswerPrompt.DefaultPath));
builder.Services.AddSingleton<HandbookAssistant>();
builder.Services.AddSingleton<TicketSummariser>();
builder.Services.AddHealthChecks().AddCheck<HandbookIndexHealthCheck>("handbook-index");

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapLlmObservabilityDefaultEndpoints();
app.MapAskEndpoints();
app.MapSummariseEndpoints();

app.Run();
