namespace Aspire.Hosting.LlmObs.Tests.Consumer;

/// <summary>
/// A minimal application as a package consumer writes it: an AppHost, one service with a model client, and a test
/// project, referencing LlmObs only through its NuGet packages.
/// </summary>
internal static class ConsumerTemplate
{
    public static void WriteTo(string directory, string feed, string version)
    {
        Write(directory, "nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="llmobs-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);

        Write(directory, "global.json", """
            { "sdk": { "version": "10.0.401", "rollForward": "latestFeature" }, "test": { "runner": "Microsoft.Testing.Platform" } }
            """);

        Write(directory, "Consumer.AppHost/Consumer.AppHost.csproj", $"""
            <Project Sdk="Aspire.AppHost.Sdk/13.6.4">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Aspire.Hosting.AppHost" Version="13.6.5" />
                <PackageReference Include="Aspire.Hosting.LlmObs" Version="{version}" />
                <PackageReference Include="Polly.Core" Version="8.8.0" />
                <PackageReference Include="Polly.Extensions" Version="8.8.0" />
                <PackageReference Include="Nerdbank.MessagePack" Version="1.3.88" />
              </ItemGroup>
              <ItemGroup>
                <ProjectReference Include="../Consumer.Api/Consumer.Api.csproj" />
              </ItemGroup>
            </Project>
            """);

        Write(directory, "Consumer.AppHost/AppHost.cs", """
            var builder = DistributedApplication.CreateBuilder(args);

            var llmobs = builder.AddLlmObservability("llmobs");
            builder.AddProject<Projects.Consumer_Api>("api").WithReference(llmobs).WaitFor(llmobs);

            builder.Build().Run();
            """);

        Write(directory, "Consumer.Api/Consumer.Api.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="LlmObs.ServiceDefaults" Version="{version}" />
              </ItemGroup>
            </Project>
            """);

        Write(directory, "Consumer.Api/Properties/launchSettings.json", """
            { "profiles": { "http": { "commandName": "Project", "applicationUrl": "http://localhost:5080",
              "environmentVariables": { "ASPNETCORE_ENVIRONMENT": "Development" } } } }
            """);

        Write(directory, "Consumer.Api/Program.cs", """
            using System.Diagnostics;
            using Microsoft.Extensions.AI;

            var builder = WebApplication.CreateBuilder(args);
            builder.AddLlmObservabilityDefaults();
            builder.Services.AddChatClient(new FixedModel()).UseLlmTracing(o => o.Feature = "consumer");

            var app = builder.Build();
            app.MapLlmObservabilityDefaultEndpoints();
            app.MapPost("/chat", async (IChatClient chat) =>
            {
                var response = await chat.GetResponseAsync("Hello");
                return new { text = response.Text, traceId = Activity.Current?.TraceId.ToHexString() };
            });
            app.Run();

            // Stands in for a provider: answers like gpt-4o-mini, with 100 input and 20 output tokens.
            sealed class FixedModel : IChatClient
            {
                public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
                    Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Hi!"))
                    {
                        ModelId = "gpt-4o-mini",
                        Usage = new UsageDetails { InputTokenCount = 100, OutputTokenCount = 20, TotalTokenCount = 120 },
                    });

                public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
                    throw new NotSupportedException();

                public object? GetService(Type serviceType, object? serviceKey = null) =>
                    serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("openai", null, "gpt-4o-mini") : null;

                public void Dispose() { }
            }
            """);

        Write(directory, "Consumer.Tests/Consumer.Tests.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <IsTestProject>true</IsTestProject>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Aspire.Hosting.Testing" Version="13.6.5" />
                <PackageReference Include="Polly.Core" Version="8.8.0" />
                <PackageReference Include="Polly.Extensions" Version="8.8.0" />
                <PackageReference Include="Nerdbank.MessagePack" Version="1.3.88" />
                <PackageReference Include="xunit.v3" Version="4.0.2" />
              </ItemGroup>
              <ItemGroup>
                <ProjectReference Include="../Consumer.AppHost/Consumer.AppHost.csproj" />
              </ItemGroup>
            </Project>
            """);

        Write(directory, "Consumer.Tests/AppTests.cs", """
            using System.Net.Http.Json;
            using System.Text.Json;
            using Aspire.Hosting;
            using Aspire.Hosting.Testing;
            using Xunit;

            public sealed class AppTests
            {
                [Fact]
                public async Task A_chat_call_is_priced_in_LlmObs_and_reaches_the_dashboard()
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
                    var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Consumer_AppHost>(
                        new DistributedApplicationTestingBuilderOptions { EnableDashboard = true }, [], timeout.Token);
                    appHost.Configuration["AppHost:DashboardApiKey"] = "consumer-key";
                    await using var app = await appHost.BuildAsync(timeout.Token);
                    await app.StartAsync(timeout.Token);
                    await app.ResourceNotifications.WaitForResourceHealthyAsync("api", timeout.Token);

                    using var api = app.CreateHttpClient("api");
                    var reply = await (await api.PostAsync("/chat", null, timeout.Token)).Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
                    var traceId = reply.GetProperty("traceId").GetString();

                    using var llmobs = app.CreateHttpClient("llmobs");
                    double cost = 0;
                    while (cost == 0)
                    {
                        await Task.Delay(250, timeout.Token);
                        using var response = await llmobs.GetAsync($"/api/traces/{traceId}", timeout.Token);
                        if (!response.IsSuccessStatusCode) continue;
                        var trace = await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
                        foreach (var span in trace.GetProperty("spans").EnumerateArray())
                        {
                            if (span.TryGetProperty("llm", out var llm) && llm.TryGetProperty("costUsd", out var c)) cost = c.GetDouble();
                        }
                    }

                    // gpt-4o-mini: 100 × 1.5e-7 + 20 × 6e-7
                    Assert.Equal(2.7e-5, cost, 1e-12);

                    var dashboardUrl = await app.GetDashboardUrlAsync(timeout.Token);
                    using var dashboard = new HttpClient { BaseAddress = new Uri(dashboardUrl.GetLeftPart(UriPartial.Authority)) };
                    dashboard.DefaultRequestHeaders.Add("x-api-key", "consumer-key");
                    while (true)
                    {
                        using var response = await dashboard.GetAsync($"/api/telemetry/traces/{traceId}", timeout.Token);
                        if (response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync(timeout.Token)).Contains("llmobs.cost.catalog")) break;
                        await Task.Delay(250, timeout.Token);
                    }
                }
            }
            """);
    }

    private static void Write(string directory, string relativePath, string content)
    {
        var path = Path.Combine(directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
