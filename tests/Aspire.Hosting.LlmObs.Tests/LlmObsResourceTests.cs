using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aspire.Hosting.LlmObs.Tests;

/// <summary>The resource model <c>AddLlmObservability()</c> builds, checked without starting anything.</summary>
public sealed class LlmObsResourceTests
{
    private const string DashboardOtlpUrl = "http://localhost:18889";

    [Fact]
    public void The_server_runs_as_an_executable_with_an_http_endpoint_and_a_health_check()
    {
        var builder = CreateBuilder();

        builder.AddLlmObservability();

        var resource = Assert.Single(builder.Resources.OfType<LlmObsResource>());
        Assert.Equal("llmobs", resource.Name);
        Assert.Equal("dotnet", resource.Command);
        Assert.True(File.Exists(resource.ServerPath), $"The server assembly {resource.ServerPath} should exist.");
        Assert.False(resource.Annotations.OfType<ContainerImageAnnotation>().Any(), "LlmObs must not need a container runtime.");

        var endpoints = resource.Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name);
        Assert.Equal(["http", "otlp-grpc", "otlp-http"], endpoints.Keys.Order());
        Assert.All(endpoints.Values, e => Assert.Equal("http", e.UriScheme));
        Assert.Equal("http2", endpoints["otlp-grpc"].Transport);
        Assert.Single(resource.Annotations.OfType<HealthCheckAnnotation>());
    }

    [Fact]
    public async Task Services_export_to_LlmObs_and_LlmObs_forwards_to_the_dashboard()
    {
        var builder = CreateBuilder();
        var llmobs = builder.AddLlmObservability().WithDataDirectory("/var/llmobs-test");
        var api = builder.AddExecutable("api", "dotnet", ".").WithOtlpExporter();

        using var app = builder.Build();
        await StartModelAsync(builder, app);
        AllocateEndpoint(llmobs.Resource, port: 5400, targetPort: 5401);

        var apiEnv = await ResolveEnvironmentAsync(api.Resource, app);
        Assert.Equal("http://localhost:5420", apiEnv["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", apiEnv["OTEL_EXPORTER_OTLP_PROTOCOL"]);

        var serverEnv = await ResolveEnvironmentAsync(llmobs.Resource, app);
        Assert.Equal(DashboardOtlpUrl, serverEnv["LlmObs__Forward__Endpoint"]);
        Assert.Equal("grpc", serverEnv["LlmObs__Forward__Protocol"]);
        Assert.False(serverEnv.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"), "The server must not export its own telemetry through itself.");
        Assert.Equal("http://localhost:5401;http://localhost:5421", serverEnv["ASPNETCORE_URLS"]);
        Assert.Equal("5411", serverEnv["LlmObs__GrpcPort"]);
        Assert.Equal(Path.GetFullPath("/var/llmobs-test"), serverEnv["LlmObs__DataDirectory"]);
    }

    [Fact]
    public async Task An_API_key_is_required_by_the_server_and_sent_by_every_routed_service()
    {
        var builder = CreateBuilder();
        builder.Configuration["Parameters:llmobs-key"] = "k-123";
        var llmobs = builder.AddLlmObservability().WithApiKey(builder.AddParameter("llmobs-key", secret: true));
        var api = builder.AddExecutable("api", "dotnet", ".").WithOtlpExporter();

        using var app = builder.Build();
        await StartModelAsync(builder, app);
        AllocateEndpoint(llmobs.Resource, port: 5400, targetPort: 5401);

        var serverEnv = await ResolveEnvironmentAsync(llmobs.Resource, app);
        Assert.Equal("k-123", serverEnv["LlmObs__ApiKey"]);
        Assert.Same(llmobs.Resource.ApiKey, builder.Resources.OfType<ParameterResource>().Single(p => p.Name == "llmobs-key"));

        var apiEnv = await ResolveEnvironmentAsync(api.Resource, app);
        Assert.Equal("http://localhost:5420", apiEnv["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("x-api-key=k-123", apiEnv["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.Equal("k-123", apiEnv["LlmObs__ApiKey"]);
    }

    [Fact]
    public async Task A_resource_whose_OTLP_endpoint_the_user_set_keeps_it()
    {
        var builder = CreateBuilder();
        var llmobs = builder.AddLlmObservability();
        var custom = builder.AddExecutable("custom", "dotnet", ".")
            .WithOtlpExporter()
            .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.internal:4317");

        using var app = builder.Build();
        await StartModelAsync(builder, app);
        AllocateEndpoint(llmobs.Resource, port: 5400, targetPort: 5401);

        var env = await ResolveEnvironmentAsync(custom.Resource, app);
        Assert.Equal("http://collector.internal:4317", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
    }

    [Fact]
    public async Task The_default_data_directory_is_beside_the_AppHost_so_traces_survive_restarts()
    {
        var builder = CreateBuilder();
        var llmobs = builder.AddLlmObservability("traces");

        var env = await ResolveStartedEnvironmentAsync(builder, llmobs.Resource);
        Assert.Equal(Path.Combine(builder.AppHostDirectory, ".llmobs", "traces"), env["LlmObs__DataDirectory"]);
    }

    [Fact]
    public async Task An_existing_PostgreSQL_server_is_given_by_connection_string()
    {
        var builder = CreateBuilder();
        var llmobs = builder.AddLlmObservability().WithPostgres("Host=db.internal;Database=llmobs;Username=llmobs");

        var env = await ResolveStartedEnvironmentAsync(builder, llmobs.Resource);

        Assert.Equal("postgres", env["LlmObs__Storage__Provider"]);
        Assert.Equal("Host=db.internal;Database=llmobs;Username=llmobs", env["ConnectionStrings__llmobs"]);
    }

    [Fact]
    public async Task An_existing_PostgreSQL_server_can_be_a_secret_parameter()
    {
        var builder = CreateBuilder();
        builder.Configuration["Parameters:llmobs-db"] = "Host=db.internal;Password=s3cret";
        var parameter = builder.AddParameter("llmobs-db", secret: true);
        var llmobs = builder.AddLlmObservability().WithPostgres(parameter);

        var env = await ResolveStartedEnvironmentAsync(builder, llmobs.Resource);

        Assert.Equal("postgres", env["LlmObs__Storage__Provider"]);
        Assert.Equal("Host=db.internal;Password=s3cret", env["ConnectionStrings__llmobs"]);
    }

    [Fact]
    public void A_PostgreSQL_database_resource_is_referenced_and_waited_for()
    {
        var builder = CreateBuilder();
        var database = builder.AddPostgres("pg").AddDatabase("llmobsdb");

        var llmobs = builder.AddLlmObservability().WithPostgres(database);

        Assert.Contains(llmobs.Resource.Annotations.OfType<WaitAnnotation>(), wait => wait.Resource == database.Resource);
        Assert.Contains(llmobs.Resource.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Resource == database.Resource);
    }

    [Fact]
    public async Task Retention_Langfuse_keys_and_forwarding_are_passed_to_the_server()
    {
        var builder = CreateBuilder();
        builder.Configuration["Parameters:lf-public"] = "pk-lf-1";
        builder.Configuration["Parameters:lf-secret"] = "sk-lf-1";
        var llmobs = builder.AddLlmObservability()
            .WithRetention(TimeSpan.FromDays(7), maxSizeMegabytes: 512)
            .WithLangfuseKeys(builder.AddParameter("lf-public"), builder.AddParameter("lf-secret", secret: true))
            .WithDashboardForwarding(false);

        var env = await ResolveStartedEnvironmentAsync(builder, llmobs.Resource);

        Assert.Equal("7.00:00:00", env["LlmObs__Storage__Retention__MaxAge"]);
        Assert.Equal("512", env["LlmObs__Storage__Retention__MaxSizeMegabytes"]);
        Assert.Equal("pk-lf-1", env["LlmObs__Langfuse__PublicKey"]);
        Assert.Equal("sk-lf-1", env["LlmObs__Langfuse__SecretKey"]);
        Assert.False(env.ContainsKey("LlmObs__Forward__Endpoint"), "Forwarding was turned off.");
    }

    [Fact]
    public async Task Sampling_is_configured_on_the_server()
    {
        var builder = CreateBuilder();
        var llmobs = builder.AddLlmObservability()
            .WithSampling(0.05, latencyThreshold: TimeSpan.FromSeconds(5))
            .WithFeatureSampling("launch", 1.0);

        var env = await ResolveStartedEnvironmentAsync(builder, llmobs.Resource);

        Assert.Equal("true", env["LlmObs__Sampling__Enabled"]);
        Assert.Equal("0.05", env["LlmObs__Sampling__Probability"]);
        Assert.Equal("00:00:05", env["LlmObs__Sampling__LatencyThreshold"]);
        Assert.Equal("1", env["LlmObs__Sampling__FeatureProbabilities__launch"]);
    }

    [Fact]
    public void A_sampling_share_outside_0_to_1_is_refused()
    {
        var llmobs = CreateBuilder().AddLlmObservability();

        Assert.Throws<ArgumentOutOfRangeException>(() => llmobs.WithSampling(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => llmobs.WithFeatureSampling("launch", -0.1));
    }

    [Fact]
    public async Task Published_LlmObs_is_a_container_built_from_the_servers_Dockerfile()
    {
        var output = Directory.CreateTempSubdirectory("llmobs-manifest-");
        try
        {
            var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
            {
                DisableDashboard = true,
                Args = ["--publisher", "manifest", "--output-path", Path.Combine(output.FullName, "aspire-manifest.json")],
            });
            builder.AddLlmObservability();
            using var app = builder.Build();
            await app.RunAsync(TestContext.Current.CancellationToken);

            using var manifest = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output.FullName, "aspire-manifest.json"), TestContext.Current.CancellationToken));
            var llmobs = manifest.RootElement.GetProperty("resources").GetProperty("llmobs");
            Assert.Equal("container.v1", llmobs.GetProperty("type").GetString());
            var build = llmobs.GetProperty("build");
            Assert.EndsWith("Dockerfile", build.GetProperty("dockerfile").GetString());
            var context = Path.GetFullPath(build.GetProperty("context").GetString()!, output.FullName);
            Assert.True(File.Exists(Path.Combine(context, "Dockerfile")), $"The build context {context} holds the Dockerfile.");
            var bindings = llmobs.GetProperty("bindings");
            Assert.Equal(8080, bindings.GetProperty("http").GetProperty("targetPort").GetInt32());
            Assert.Equal(4318, bindings.GetProperty("otlp-http").GetProperty("targetPort").GetInt32());
            Assert.Equal(4317, bindings.GetProperty("otlp-grpc").GetProperty("targetPort").GetInt32());
            Assert.Equal("http://+:{llmobs.bindings.http.targetPort};http://+:{llmobs.bindings.otlp-http.targetPort}",
                llmobs.GetProperty("env").GetProperty("ASPNETCORE_URLS").GetString());
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Prices_aliases_and_the_content_mode_reach_the_server_and_every_traced_service()
    {
        var builder = CreateBuilder();
        var llmobs = builder.AddLlmObservability()
            .WithModelPrice("acme-support-ft", inputPerMillionTokens: 3.0, outputPerMillionTokens: 12.0)
            .WithModelAlias("prod-chat", "azure/gpt-4o-mini")
            .WithContentCapture(LlmObsContentMode.Off);
        var api = builder.AddExecutable("api", "dotnet", ".").WithOtlpExporter();

        using var app = builder.Build();
        await StartModelAsync(builder, app);
        AllocateEndpoint(llmobs.Resource, port: 5400, targetPort: 5401);

        foreach (var resource in new IResource[] { llmobs.Resource, api.Resource })
        {
            var env = await ResolveEnvironmentAsync(resource, app);
            Assert.Equal("3E-06", env["LlmObs__Pricing__Models__acme-support-ft__Input"]);
            Assert.Equal("1.2E-05", env["LlmObs__Pricing__Models__acme-support-ft__Output"]);
            Assert.False(env.ContainsKey("LlmObs__Pricing__Models__acme-support-ft__CacheRead"));
            Assert.Equal("azure/gpt-4o-mini", env["LlmObs__Pricing__Aliases__prod-chat"]);
            Assert.Equal("Off", env["LlmObs__Content"]);
        }

        // The server applies the mode at ingest too, to senders that do not redact; a service has no use for it.
        Assert.Equal("Off", (await ResolveEnvironmentAsync(llmobs.Resource, app))["LlmObs__Redaction__Mode"]);
        Assert.False((await ResolveEnvironmentAsync(api.Resource, app)).ContainsKey("LlmObs__Redaction__Mode"));
    }

    private static async Task<IReadOnlyDictionary<string, string>> ResolveStartedEnvironmentAsync(IDistributedApplicationBuilder builder, LlmObsResource resource)
    {
        using var app = builder.Build();
        await StartModelAsync(builder, app);
        AllocateEndpoint(resource, port: 5400, targetPort: 5401);
        return await ResolveEnvironmentAsync(resource, app);
    }

    private static IDistributedApplicationBuilder CreateBuilder()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { DisableDashboard = true, Args = [] });
        builder.Configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = DashboardOtlpUrl;
        builder.Configuration["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";

        // BeforeStartEvent's built-in handlers name DCP objects; they need DCP paths, never run here.
        builder.Configuration["DcpPublisher:CliPath"] = "dcp-not-started";
        builder.Configuration["DcpPublisher:DashboardPath"] = "dashboard-not-started";
        return builder;
    }

    private static Task StartModelAsync(IDistributedApplicationBuilder builder, DistributedApplication app) =>
        builder.Eventing.PublishAsync(new BeforeStartEvent(app.Services, app.Services.GetRequiredService<DistributedApplicationModel>()));

    /// <summary>What DCP does at start: http gets port/targetPort, otlp-grpc +10, otlp-http +20 (by name).</summary>
    private static void AllocateEndpoint(IResource resource, int port, int targetPort)
    {
        var offset = 0;
        foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>().OrderBy(e => e.Name))
        {
            endpoint.TargetPort = targetPort + offset;
            endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "localhost", port + offset);
            offset += 10;
        }
    }

    private static async Task<IReadOnlyDictionary<string, string>> ResolveEnvironmentAsync(IResource resource, DistributedApplication app)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(resource)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(app.Services.GetRequiredService<DistributedApplicationExecutionContext>(), NullLogger.Instance, CancellationToken.None);
        return configuration.EnvironmentVariables.ToDictionary();
    }
}
