using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LlmObs.IngestLoad;

/// <summary>What the loader does alike for every process it starts: a free loopback port, and waiting until it answers.</summary>
internal static class LoopbackProcess
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls <paramref name="probe"/> for up to 30 s; kills the process and throws when it never succeeds.</summary>
    public static async Task WaitUntilReadyAsync(Process process, string url, Func<HttpClient, Task<HttpResponseMessage>> probe, string what)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                using var response = await probe(http);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // starting
            }

            await Task.Delay(100);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"{what} did not come up.");
    }
}
