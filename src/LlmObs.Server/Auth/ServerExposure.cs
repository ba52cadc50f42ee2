using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace LlmObs.Server.Auth;

/// <summary>Whether the server listens anywhere but loopback, read from the addresses it actually bound.</summary>
internal sealed class ServerExposure(IServer server)
{
    private bool? _exposed;

    /// <summary>True when any bound address is reachable from another machine. An in-memory test server binds none.</summary>
    public bool IsExposed => _exposed ??= Compute();

    private bool Compute()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return addresses.Any(address => !IsLoopback(address));
    }

    internal static bool IsLoopback(string address)
    {
        // "*" and "+" (every interface) are not URI hosts; they are exposed by definition.
        if (!Uri.TryCreate(address.Replace("://*", "://any.invalid", StringComparison.Ordinal).Replace("://+", "://any.invalid", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
