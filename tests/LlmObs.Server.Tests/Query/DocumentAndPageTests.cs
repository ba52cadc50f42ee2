using System.Net;
using System.Text.Json;
using LlmObs.Server.Tests.Infrastructure;

namespace LlmObs.Server.Tests.Query;

/// <summary>The OpenAPI document and the UI pages as a browser or a client generator receives them.</summary>
public sealed class DocumentAndPageTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_OpenAPI_document_describes_every_query_route()
    {
        using var document = JsonDocument.Parse(await fixture.Server.Client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken));

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var path in new[]
        {
            "/api/traces", "/api/traces/{traceId}", "/api/calls", "/api/sessions", "/api/dashboard", "/api/facets",
            "/api/aggregates/cost-per-day", "/api/aggregates/cost-by", "/api/aggregates/cost-per-call", "/api/aggregates/cache-hit-rate",
            "/api/aggregates/top-calls", "/api/aggregates/latency", "/api/aggregates/error-rate", "/api/aggregates/tokens-over-time",
        })
        {
            Assert.Contains(path, paths);
        }

        var parameters = document.RootElement.GetProperty("paths").GetProperty("/api/calls").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Superset(new HashSet<string?>(StringComparer.OrdinalIgnoreCase)
            { "from", "to", "service", "project", "feature", "user", "session", "model", "provider", "status", "minCost", "minLatencyMs", "q", "offset", "limit" }, parameters);
    }

    [Theory]
    [InlineData("/traces")]
    [InlineData("/traces/0123456789abcdef0123456789abcdef")]
    [InlineData("/sessions")]
    [InlineData("/dashboard")]
    public async Task Pages_are_html_under_a_policy_that_forbids_inline_script(string path)
    {
        using var response = await fixture.Server.Client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain("<script>", html); // every script is a file under 'self'
    }

    [Fact]
    public async Task The_root_opens_the_traces_list()
    {
        using var response = await fixture.Server.Client.GetAsync("/", TestContext.Current.CancellationToken);

        // The test client follows the redirect.
        Assert.Equal("/traces", response.RequestMessage!.RequestUri!.AbsolutePath);
    }
}
