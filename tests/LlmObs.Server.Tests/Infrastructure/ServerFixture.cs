namespace LlmObs.Server.Tests.Infrastructure;

/// <summary>One in-memory server on its own temp data directory, shared by the tests of a class.</summary>
public class ServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _dataDirectory = new();
    private LlmObsServer? _server;

    public LlmObsServer Server => _server ?? throw new InvalidOperationException("The fixture has not started yet.");

    /// <summary>Configuration on top of the data directory, as <c>LlmObs:…</c> keys.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public ValueTask InitializeAsync()
    {
        _server = LlmObsServer.StartInMemory(_dataDirectory.Path, Settings);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _dataDirectory.Dispose();
        GC.SuppressFinalize(this);
    }
}
