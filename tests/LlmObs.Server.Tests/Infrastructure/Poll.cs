namespace LlmObs.Server.Tests.Infrastructure;

/// <summary>Bounded polling for things that happen in the background (forwarding).</summary>
public static class Poll
{
    /// <summary>Calls <paramref name="probe"/> until it returns a value or <paramref name="timeout"/> has passed; returns the last result.</summary>
    public static async Task<T?> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } result)
            {
                return result;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        }
    }
}
