using Microsoft.Extensions.FileProviders;

namespace LlmObs.Server.Ui;

/// <summary>
/// The web UI: static HTML pages and ES modules (Fluent web components vendored as a built file, so no npm
/// step), reading the JSON query API. Deep links: <c>/traces</c>, <c>/traces/{traceId}</c>, <c>/dashboard</c>, <c>/quality</c>.
/// </summary>
internal static class UiEndpoints
{
    // Span content is untrusted and the pages render it as text; this policy is the second line: no inline or
    // foreign script can run even if some text did end up as markup.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

    public static WebApplication UseLlmObsUi(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });

        var files = UiFiles(app.Environment);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            // Revalidate every time: the files change with the server, and an ETag check costs a 304.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });

        app.MapGet("/traces", () => Page(files, "traces", "Traces")).ExcludeFromDescription();
        app.MapGet("/traces/{traceId}", (string traceId) => Page(files, "trace", "Trace")).ExcludeFromDescription();
        app.MapGet("/sessions", () => Page(files, "sessions", "Sessions")).ExcludeFromDescription();
        app.MapGet("/dashboard", () => Page(files, "dashboard", "Cost")).ExcludeFromDescription();
        app.MapGet("/quality", () => Page(files, "quality", "Quality")).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// A page is the shared shell (layout.html: head, header, navigation) around the page's own main content
    /// (pages/{name}.html), with its title and its module (js/{name}.js). Every placeholder is filled from the
    /// constants above, never from a request.
    /// </summary>
    private static IResult Page(IFileProvider files, string name, string title)
    {
        if (Read(files, "layout.html") is not { } layout || Read(files, $"pages/{name}.html") is not { } main)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"The UI page {name} is missing from this build.");
        }

        var html = layout.Replace("{title}", title, StringComparison.Ordinal)
            .Replace("{script}", name, StringComparison.Ordinal)
            .Replace("{main}", main, StringComparison.Ordinal);
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static string? Read(IFileProvider files, string path)
    {
        var file = files.GetFileInfo(path);
        if (!file.Exists)
        {
            return null;
        }

        using var reader = new StreamReader(file.CreateReadStream());
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The web root when it holds the UI (running from the project, or published), else the copy built beside
    /// the assembly: the Aspire resource runs the built server from another working directory.
    /// </summary>
    private static IFileProvider UiFiles(IWebHostEnvironment environment)
    {
        string?[] candidates = [environment.WebRootPath, Path.Combine(AppContext.BaseDirectory, "wwwroot")];
        foreach (var candidate in candidates)
        {
            if (candidate is not null && File.Exists(Path.Combine(candidate, "layout.html")))
            {
                return new PhysicalFileProvider(candidate);
            }
        }

        return environment.WebRootFileProvider;
    }
}
