using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Dashboard;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Adds LlmObs, LLM observability with cost and quality, to an Aspire AppHost.</summary>
public static class LlmObsBuilderExtensions
{
    private const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string OtlpProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";
    private const string OtlpHeadersVariable = "OTEL_EXPORTER_OTLP_HEADERS";
    private const string DashboardResourceName = "aspire-dashboard";
    private const string StorageProviderVariable = "LlmObs__Storage__Provider";
    private const string ConnectionName = "llmobs";

    /// <summary>
    /// Adds the LlmObs server and routes the OpenTelemetry export of every other resource through it.
    /// LlmObs stores and prices LLM spans in an embedded store and forwards everything it receives to the
    /// Aspire dashboard, which keeps showing all logs, metrics and traces. No container runtime is needed.
    /// </summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The LlmObs resource builder.</returns>
    /// <example>
    /// <code>
    /// var llmobs = builder.AddLlmObservability();
    /// builder.AddProject&lt;Projects.RagApi&gt;("rag").WithReference(llmobs).WaitFor(llmobs);
    /// </code>
    /// </example>
    public static IResourceBuilder<LlmObsResource> AddLlmObservability(this IDistributedApplicationBuilder builder, string name = "llmobs")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var resource = new LlmObsResource(name, LlmObsServerLocator.Locate(builder.Configuration["LlmObs:ServerPath"]));
        var publish = builder.ExecutionContext.IsPublishMode;
        var llmobs = builder.AddResource(resource)
            .WithArgs(resource.ServerPath)
            .WithHttpEndpoint(name: LlmObsResource.HttpEndpointName, targetPort: publish ? 8080 : null)
            .WithHttpEndpoint(name: LlmObsResource.OtlpHttpEndpointName, targetPort: publish ? 4318 : null)
            .WithEndpoint(name: LlmObsResource.OtlpGrpcEndpointName, scheme: "http", targetPort: publish ? 4317 : null, env: "LlmObs__GrpcPort")
            .WithEndpoint(LlmObsResource.OtlpGrpcEndpointName, endpoint => endpoint.Transport = "http2")
            .WithEnvironment(context =>
            {
                // Loopback on the developer's machine (no API key needed there); every interface inside a container.
                var host = context.ExecutionContext.IsPublishMode ? "+" : "localhost";
                var http = resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort);
                var otlp = resource.OtlpHttpEndpoint.Property(EndpointProperty.TargetPort);
                context.EnvironmentVariables["ASPNETCORE_URLS"] = ReferenceExpression.Create($"http://{host}:{http};http://{host}:{otlp}");
            })
            .WithOtlpExporter()
            .WithEnvironment(context => ForwardToDashboard(context, resource))
            .WithEnvironment(context => CopySharedSettings(context, resource))
            .WithHttpHealthCheck("/health")
            .WithIconName("DataUsage")
            .WithUrls(context =>
            {
                if (context.GetEndpoint(LlmObsResource.HttpEndpointName) is not { } http)
                {
                    return;
                }

                context.Urls.Add(new ResourceUrlAnnotation { Url = $"{http.Url}/traces", DisplayText = "Traces", Endpoint = http });
                context.Urls.Add(new ResourceUrlAnnotation { Url = $"{http.Url}/dashboard", DisplayText = "Cost dashboard", Endpoint = http });
            })
            .PublishAsDockerFile()
            .WithLlmObsCommands();
        LlmObsLiveProperties.WithLiveProperties(llmobs);

        // Run mode keeps data beside the AppHost; a published container keeps it in its /data volume.
        if (builder.ExecutionContext.IsRunMode)
        {
            llmobs.WithDataDirectory(Path.Combine(builder.AppHostDirectory, ".llmobs", name));
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            RouteTelemetryThrough(resource, @event.Model, builder.Configuration);
            return Task.CompletedTask;
        });

        return llmobs;
    }

    /// <summary>
    /// Keeps the embedded store's files in <paramref name="path"/>, so traces survive AppHost restarts.
    /// The default is <c>.llmobs/{name}</c> beside the AppHost project.
    /// </summary>
    /// <param name="builder">The LlmObs resource builder.</param>
    /// <param name="path">The directory; relative paths are resolved against the AppHost directory.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static IResourceBuilder<LlmObsResource> WithDataDirectory(this IResourceBuilder<LlmObsResource> builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);

        var fullPath = Path.GetFullPath(path, builder.ApplicationBuilder.AppHostDirectory);
        return builder.WithEnvironment("LlmObs__DataDirectory", fullPath);
    }

    /// <summary>
    /// Stores spans in PostgreSQL instead of the embedded store, for a team that shares one LlmObs.
    /// The database resource comes from <c>Aspire.Hosting.PostgreSQL</c> (which runs PostgreSQL in a container).
    /// </summary>
    /// <param name="builder">The LlmObs resource builder.</param>
    /// <param name="database">The database; LlmObs applies its schema migrations at start.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    /// <example>
    /// <code>
    /// var db = builder.AddPostgres("pg").AddDatabase("llmobsdb");
    /// builder.AddLlmObservability().WithPostgres(db);
    /// </code>
    /// </example>
    public static IResourceBuilder<LlmObsResource> WithPostgres(this IResourceBuilder<LlmObsResource> builder, IResourceBuilder<PostgresDatabaseResource> database)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(database);

        return builder
            .WithEnvironment(StorageProviderVariable, "postgres")
            .WithReference(database, ConnectionName)
            .WaitFor(database);
    }

    /// <summary>Stores spans in an existing PostgreSQL server, given its connection string as a parameter (kept secret).</summary>
    /// <param name="builder">The LlmObs resource builder.</param>
    /// <param name="connectionString">An Npgsql connection string, e.g. from <c>builder.AddParameter("llmobs-db", secret: true)</c>.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static IResourceBuilder<LlmObsResource> WithPostgres(this IResourceBuilder<LlmObsResource> builder, IResourceBuilder<ParameterResource> connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connectionString);

        return builder
            .WithEnvironment(StorageProviderVariable, "postgres")
            .WithEnvironment($"ConnectionStrings__{ConnectionName}", connectionString);
    }

    /// <summary>Stores spans in an existing PostgreSQL server, given its connection string.</summary>
    /// <param name="builder">The LlmObs resource builder.</param>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=db.internal;Database=llmobs;Username=llmobs</c>.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static IResourceBuilder<LlmObsResource> WithPostgres(this IResourceBuilder<LlmObsResource> builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);

        return builder
            .WithEnvironment(StorageProviderVariable, "postgres")
            .WithEnvironment($"ConnectionStrings__{ConnectionName}", connectionString);
    }

    /// <summary>Deletes stored spans older than <paramref name="maxAge"/>, and the oldest ones beyond <paramref name="maxSizeMegabytes"/>.</summary>
    /// <param name="builder">The LlmObs resource builder.</param>
    /// <param name="maxAge">How long spans are kept.</param>
    /// <param name="maxSizeMegabytes">The most the store may hold; null for no size limit.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static IResourceBuilder<LlmObsResource> WithRetention(this IResourceBuilder<LlmObsResource> builder, TimeSpan maxAge, int? maxSizeMegabytes = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxAge, TimeSpan.Zero);

        builder.WithEnvironment("LlmObs__Storage__Retention__MaxAge", maxAge.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        return maxSizeMegabytes is { } size
            ? builder.WithEnvironment("LlmObs__Storage__Retention__MaxSizeMegabytes", size.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : builder;
    }

    /// <summary>
    /// Accepts traces from Langfuse SDKs at <c>/api/public/otel/v1/traces</c> with this key pair (HTTP Basic), so an app
    /// already instrumented for Langfuse needs only its base URL changed.
    /// </summary>
    /// <param name="builder">The LlmObs resource builder.</param>
    /// <param name="publicKey">The public key (<c>pk-lf-…</c>).</param>
    /// <param name="secretKey">The secret key (<c>sk-lf-…</c>).</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static IResourceBuilder<LlmObsResource> WithLangfuseKeys(
        this IResourceBuilder<LlmObsResource> builder, IResourceBuilder<ParameterResource> publicKey, IResourceBuilder<ParameterResource> secretKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(secretKey);

        return builder
            .WithEnvironment("LlmObs__Langfuse__PublicKey", publicKey)
            .WithEnvironment("LlmObs__Langfuse__SecretKey", secretKey);
    }

    /// <summary>
    /// Requires an API key for ingest, queries and the UI's API calls, as a server shared by a team or reachable beyond
    /// loopback must (it refuses to serve such addresses without one). Every resource routed through LlmObs sends the
    /// key with its OTLP exports (<c>OTEL_EXPORTER_OTLP_HEADERS</c>) and gets it as <c>LlmObs:ApiKey</c> for the
    /// annotation client; the dashboard's commands and live properties send it too; the UI asks for it once per tab.
    /// </summary>
    /// <param name="builder">The LlmObs resource builder.</param>
    /// <param name="apiKey">The key, as a secret parameter.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    /// <example>
    /// <code>
    /// var key = builder.AddParameter("llmobs-api-key", secret: true);
    /// builder.AddLlmObservability().WithApiKey(key);
    /// </code>
    /// </example>
    public static IResourceBuilder<LlmObsResource> WithApiKey(this IResourceBuilder<LlmObsResource> builder, IResourceBuilder<ParameterResource> apiKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(apiKey);
        builder.Resource.ApiKey = apiKey.Resource;
        return builder.WithEnvironment("LlmObs__ApiKey", apiKey);
    }

    /// <summary>
    /// Stores a sample of traces instead of all of them: every error trace, every trace slower than
    /// <paramref name="latencyThreshold"/> or than its feature's running p95, and <paramref name="probability"/> of
    /// the rest, chosen by trace id. The Aspire dashboard still receives everything.
    /// </summary>
    /// <param name="builder">The LlmObs resource builder.</param>
    /// <param name="probability">The share of ordinary traces kept, from 0 to 1 (0.05 = 5%).</param>
    /// <param name="latencyThreshold">Traces slower than this are always kept; null for no absolute threshold.</param>
    /// <param name="decisionWait">How long spans of a trace are buffered before it is decided; null for the server's default (10 s).</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    /// <example>
    /// 5% of traces, all errors and every request slower than 5 seconds:
    /// <code>
    /// builder.AddLlmObservability().WithSampling(0.05, latencyThreshold: TimeSpan.FromSeconds(5));
    /// </code>
    /// </example>
    public static IResourceBuilder<LlmObsResource> WithSampling(
        this IResourceBuilder<LlmObsResource> builder, double probability, TimeSpan? latencyThreshold = null, TimeSpan? decisionWait = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(probability, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1);

        builder.WithEnvironment("LlmObs__Sampling__Enabled", "true")
            .WithEnvironment("LlmObs__Sampling__Probability", Invariant(probability));
        if (latencyThreshold is { } threshold)
        {
            builder.WithEnvironment("LlmObs__Sampling__LatencyThreshold", threshold.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (decisionWait is { } wait)
        {
            builder.WithEnvironment("LlmObs__Sampling__DecisionWait", wait.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder;
    }

    /// <summary>
    /// Keeps <paramref name="probability"/> of the traces of one feature instead of the default share: 1.0 for a new or
    /// critical feature, less for a high-volume one. Takes effect with <see cref="WithSampling"/>.
    /// </summary>
    /// <param name="builder">The LlmObs resource builder.</param>
    /// <param name="feature">The feature, as set with <c>UseLlmTracing(o =&gt; o.Feature = …)</c>.</param>
    /// <param name="probability">The share of the feature's traces kept, from 0 to 1.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static IResourceBuilder<LlmObsResource> WithFeatureSampling(this IResourceBuilder<LlmObsResource> builder, string feature, double probability)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(feature);
        ArgumentOutOfRangeException.ThrowIfLessThan(probability, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1);

        return builder.WithEnvironment($"LlmObs__Sampling__FeatureProbabilities__{feature}", Invariant(probability));
    }

    /// <summary>
    /// Prices <paramref name="model"/> at these rates, in LlmObs and in every service that sends it telemetry: a fine-tune,
    /// a negotiated price, or a model the bundled catalog does not know yet. Prices left null keep the catalog's.
    /// </summary>
    /// <param name="builder">The LlmObs resource builder.</param>
    /// <param name="model">The model name as the provider reports it.</param>
    /// <param name="inputPerMillionTokens">USD per million fresh input tokens.</param>
    /// <param name="outputPerMillionTokens">USD per million output tokens.</param>
    /// <param name="cachedInputPerMillionTokens">USD per million input tokens read from the prompt cache.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    /// <example>
    /// <code>
    /// builder.AddLlmObservability().WithModelPrice("acme-support-ft", inputPerMillionTokens: 3.0, outputPerMillionTokens: 12.0);
    /// </code>
    /// </example>
    public static IResourceBuilder<LlmObsResource> WithModelPrice(
        this IResourceBuilder<LlmObsResource> builder, string model, double? inputPerMillionTokens, double? outputPerMillionTokens = null, double? cachedInputPerMillionTokens = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(model);

        var prefix = $"LlmObs__Pricing__Models__{model}__";
        foreach (var (name, perMillion) in new[] { ("Input", inputPerMillionTokens), ("Output", outputPerMillionTokens), ("CacheRead", cachedInputPerMillionTokens) })
        {
            if (perMillion is { } price)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(price);
                builder.Resource.SharedSettings[prefix + name] = Invariant(price / 1_000_000);
            }
        }

        return builder;
    }

    /// <summary>
    /// Prices a deployment name (an Azure OpenAI deployment, a proxy's route) as a catalog model, in LlmObs and in every
    /// service that sends it telemetry.
    /// </summary>
    /// <param name="builder">The LlmObs resource builder.</param>
    /// <param name="deployment">The name calls report, e.g. <c>prod-chat</c>.</param>
    /// <param name="model">The catalog model it is, e.g. <c>azure/gpt-4o-mini</c>.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static IResourceBuilder<LlmObsResource> WithModelAlias(this IResourceBuilder<LlmObsResource> builder, string deployment, string model)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(deployment);
        ArgumentException.ThrowIfNullOrEmpty(model);

        builder.Resource.SharedSettings[$"LlmObs__Pricing__Aliases__{deployment}"] = model;
        return builder;
    }

    /// <summary>
    /// Sets what prompts and completions every service records on its spans: <see cref="LlmObsContentMode.Off"/>,
    /// <see cref="LlmObsContentMode.Redacted"/> (personal data replaced) or <see cref="LlmObsContentMode.Raw"/>.
    /// Without it, services record redacted content in Development and none elsewhere.
    /// The LlmObs server applies the same mode at ingest (<c>LlmObs:Redaction:Mode</c>) to spans from senders that do not
    /// redact themselves (other languages, collectors): it redacts them, drops their content, or keeps it as received.
    /// </summary>
    /// <param name="builder">The LlmObs resource builder.</param>
    /// <param name="mode">The content mode.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static IResourceBuilder<LlmObsResource> WithContentCapture(this IResourceBuilder<LlmObsResource> builder, LlmObsContentMode mode)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.SharedSettings["LlmObs__Content"] = mode.ToString();
        return builder.WithEnvironment("LlmObs__Redaction__Mode", mode.ToString());
    }

    /// <summary>
    /// Raises a notification in the Aspire dashboard, with a link to the trace, when a single LLM call costs more than
    /// <paramref name="thresholdUsd"/>.
    /// </summary>
    /// <param name="builder">The LlmObs resource builder.</param>
    /// <param name="thresholdUsd">The cost of one call, in USD, above which to notify.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static IResourceBuilder<LlmObsResource> WithCostAlert(this IResourceBuilder<LlmObsResource> builder, double thresholdUsd)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfNegative(thresholdUsd);
        builder.Resource.CostAlertThresholdUsd = thresholdUsd;
        return builder;
    }

    /// <summary>
    /// Turns forwarding to the Aspire dashboard on (the default) or off. Off, the dashboard no longer sees the
    /// resources' telemetry: only LlmObs does.
    /// </summary>
    /// <param name="builder">The LlmObs resource builder.</param>
    /// <param name="enabled">Whether to forward.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    public static IResourceBuilder<LlmObsResource> WithDashboardForwarding(this IResourceBuilder<LlmObsResource> builder, bool enabled = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.ForwardsToDashboard = enabled;
        return builder;
    }

    /// <summary>
    /// The server gets the dashboard's OTLP settings (from <c>WithOtlpExporter</c>) as its forwarding target,
    /// not as its own exporter: its own telemetry would otherwise loop through itself.
    /// </summary>
    private static void ForwardToDashboard(EnvironmentCallbackContext context, LlmObsResource resource)
    {
        var env = context.EnvironmentVariables;
        if (env.Remove(OtlpEndpointVariable, out var endpoint) && resource.ForwardsToDashboard)
        {
            env["LlmObs__Forward__Endpoint"] = endpoint;
        }

        if (env.Remove(OtlpProtocolVariable, out var protocol))
        {
            env["LlmObs__Forward__Protocol"] = protocol;
        }

        if (env.Remove(OtlpHeadersVariable, out var headers))
        {
            env["LlmObs__Forward__Headers"] = headers;
        }
    }

    /// <summary>
    /// Points every resource that exports OTLP to the dashboard at LlmObs instead. A resource whose
    /// endpoint the user set to somewhere else keeps it.
    /// </summary>
    private static void RouteTelemetryThrough(LlmObsResource llmobs, DistributedApplicationModel model, IConfiguration configuration)
    {
        string?[] dashboardUrls =
        [
            configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"],
            configuration["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"],
            configuration["DOTNET_DASHBOARD_OTLP_ENDPOINT_URL"],
        ];

        foreach (var resource in model.Resources)
        {
            if (ReferenceEquals(resource, llmobs) || !resource.TryGetLastAnnotation<OtlpExporterAnnotation>(out _))
            {
                continue;
            }

            // A link from the resource to its own traces in LlmObs.
            resource.Annotations.Add(new ResourceUrlsCallbackAnnotation(context =>
            {
                var http = llmobs.PrimaryEndpoint;
                if (http.IsAllocated)
                {
                    context.Urls.Add(new ResourceUrlAnnotation { Url = $"{http.Url}/traces?service={Uri.EscapeDataString(resource.Name)}", DisplayText = "LLM traces (LlmObs)" });
                }
            }));

            resource.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
            {
                var env = context.EnvironmentVariables;

                // Prices and the content mode hold for the whole app: a service prices its calls as the server does.
                foreach (var (name, value) in llmobs.SharedSettings)
                {
                    env.TryAdd(name, value);
                }

                if (llmobs.ApiKey is { } apiKey)
                {
                    env.TryAdd("LlmObs__ApiKey", apiKey);
                }

                if (!env.TryGetValue(OtlpEndpointVariable, out var current) || !IsDashboardEndpoint(current, dashboardUrls))
                {
                    return;
                }

                env[OtlpEndpointVariable] = llmobs.OtlpHttpEndpoint;
                env[OtlpProtocolVariable] = "http/protobuf";

                // In place of the dashboard's own key (x-otlp-api-key), which LlmObs does not check: it forwards with it itself.
                if (llmobs.ApiKey is { } key)
                {
                    env[OtlpHeadersVariable] = ReferenceExpression.Create($"x-api-key={key}");
                }
            }));
        }
    }

    /// <summary>
    /// Aspire points exporters at the dashboard by an endpoint reference (or, with fixed ports, by the URL from
    /// configuration, as a <see cref="HostUrl"/> or a string); any other value was set by the user.
    /// </summary>
    private static bool IsDashboardEndpoint(object current, string?[] dashboardUrls) => current switch
    {
        EndpointReference endpoint => endpoint.Resource.Name == DashboardResourceName,
        EndpointReferenceExpression expression => expression.Endpoint.Resource.Name == DashboardResourceName,
        HostUrl host => IsDashboardUrl(host.Url, dashboardUrls),
        string url => IsDashboardUrl(url, dashboardUrls),
        _ => false,
    };

    private static void CopySharedSettings(EnvironmentCallbackContext context, LlmObsResource resource)
    {
        foreach (var (name, value) in resource.SharedSettings)
        {
            context.EnvironmentVariables[name] = value;
        }
    }

    private static string Invariant(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsDashboardUrl(string url, string?[] dashboardUrls) =>
        dashboardUrls.Any(dashboard => dashboard is not null && SameEndpoint(dashboard, url));

    private static bool SameEndpoint(string a, string b) =>
        Uri.TryCreate(a, UriKind.Absolute, out var ua) && Uri.TryCreate(b, UriKind.Absolute, out var ub) && ua.Port == ub.Port;
}
