using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LlmObs.Server.Hosting;

/// <summary>
/// Adds the OTLP/gRPC port (HTTP/2 only, as gRPC without TLS needs) beside the HTTP port.
/// Kestrel ignores <c>ASPNETCORE_URLS</c> once any endpoint is configured in code, so the HTTP addresses from
/// <c>urls</c> (or <c>http_ports</c>) are bound here too, exactly as Kestrel would have bound them.
/// </summary>
internal static class KestrelEndpoints
{
    private const string DefaultUrl = "http://localhost:5000";

    public static void AddGrpcPort(KestrelServerOptions kestrel, IConfiguration configuration, int grpcPort)
    {
        var urls = HttpUrls(configuration);
        var loopbackOnly = true;
        foreach (var url in urls)
        {
            loopbackOnly &= Listen(kestrel, url);
        }

        // The gRPC port is exactly as exposed as the HTTP one: loopback when the server is local-only, else every interface.
        Action<ListenOptions> http2 = listen => listen.Protocols = HttpProtocols.Http2;
        if (loopbackOnly)
        {
            kestrel.Listen(IPAddress.Loopback, grpcPort, http2);
        }
        else
        {
            kestrel.ListenAnyIP(grpcPort, http2);
        }
    }

    private static IReadOnlyList<string> HttpUrls(IConfiguration configuration)
    {
        if (configuration["urls"] is { Length: > 0 } urls)
        {
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        var ports = (configuration["http_ports"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return ports.Length > 0 ? ports.Select(p => $"http://*:{p}").ToList() : [DefaultUrl];
    }

    /// <summary>Binds one URL the way Kestrel reads <c>urls</c>; returns whether it is loopback-only.</summary>
    private static bool Listen(KestrelServerOptions kestrel, string url)
    {
        // "*" and "+" are not URI hosts; Kestrel reads them as "every interface".
        var parsable = url.Replace("://*", "://any.invalid", StringComparison.Ordinal).Replace("://+", "://any.invalid", StringComparison.Ordinal);
        if (!Uri.TryCreate(parsable, UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException($"'{url}' in urls is not a URL.");
        }

        Action<ListenOptions> configure = uri.Scheme == Uri.UriSchemeHttps ? listen => listen.UseHttps() : _ => { };
        if (uri.Host == "localhost")
        {
            if (uri.Port == 0)
            {
                kestrel.Listen(IPAddress.Loopback, 0, configure); // Kestrel cannot bind "localhost" to a dynamic port
            }
            else
            {
                kestrel.ListenLocalhost(uri.Port, configure);
            }

            return true;
        }

        if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
        {
            kestrel.Listen(address, uri.Port, configure);
            return IPAddress.IsLoopback(address);
        }

        kestrel.ListenAnyIP(uri.Port, configure);
        return false;
    }
}
