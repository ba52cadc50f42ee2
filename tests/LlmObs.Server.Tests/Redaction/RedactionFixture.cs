using LlmObs.Redaction;
using LlmObs.Server.Tests.Infrastructure;
using Npgsql;

namespace LlmObs.Server.Tests.Redaction;

/// <summary>
/// Servers on one storage engine, one per ingest redaction mode (started on first use), each forwarding over
/// http/protobuf to one <see cref="ForwardCapture"/>.
/// </summary>
public abstract class RedactionFixture : IAsyncLifetime
{
    /// <summary>The servers' <c>LlmObs:UserIdHashKey</c>.</summary>
    public const string UserIdHashKey = "redaction-tests-user-id-key";

    /// <summary>A custom pattern, given to the servers as a service would be given it.</summary>
    public const string EmployeeIdPattern = @"\bEMP-\d{6}\b";

    private readonly Dictionary<ContentMode, LlmObsServer> _servers = [];
    private readonly List<TempDirectory> _directories = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ForwardCapture? _forwarded;

    public ForwardCapture Forwarded => _forwarded ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>Why this engine cannot be tested here, or null.</summary>
    public abstract string? Unavailable { get; }

    /// <summary>The storage settings of a new server (a store of its own).</summary>
    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    public async ValueTask InitializeAsync() => _forwarded = await ForwardCapture.StartAsync();

    /// <summary>The server whose <c>LlmObs:Redaction:Mode</c> is <paramref name="mode"/>.</summary>
    public async Task<LlmObsServer> ServerAsync(ContentMode mode)
    {
        await _gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (!_servers.TryGetValue(mode, out var server))
            {
                var settings = await StorageSettingsAsync();
                settings["LlmObs:Redaction:Mode"] = mode.ToString();
                settings["LlmObs:Redaction:CustomPatterns:employee_id"] = EmployeeIdPattern;
                settings["LlmObs:UserIdHashKey"] = UserIdHashKey;
                settings["LlmObs:Forward:Endpoint"] = Forwarded.BaseAddress.AbsoluteUri;
                settings["LlmObs:Forward:Protocol"] = "http/protobuf";
                var directory = new TempDirectory();
                _directories.Add(directory);
                _servers[mode] = server = LlmObsServer.StartInMemory(directory.Path, settings);
            }

            return server;
        }
        finally
        {
            _gate.Release();
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values)
        {
            await server.DisposeAsync();
        }

        if (_forwarded is not null)
        {
            await _forwarded.DisposeAsync();
        }

        foreach (var directory in _directories)
        {
            directory.Dispose();
        }

        _gate.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class DuckDbRedactionFixture : RedactionFixture
{
    public override string? Unavailable => null;

    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => Task.FromResult(new Dictionary<string, string?>());
}

/// <summary>PostgreSQL from <c>LLMOBS_TEST_POSTGRES</c> (eng/test.sh starts one), a database of its own per server.</summary>
public sealed class PostgresRedactionFixture : RedactionFixture
{
    private readonly string? _adminConnectionString = Environment.GetEnvironmentVariable("LLMOBS_TEST_POSTGRES");
    private readonly List<string> _databases = [];

    public override string? Unavailable =>
        string.IsNullOrWhiteSpace(_adminConnectionString) ? "LLMOBS_TEST_POSTGRES is not set (eng/test.sh sets it)." : null;

    protected override async Task<Dictionary<string, string?>> StorageSettingsAsync()
    {
        var database = "llmobs_redaction_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection); // a generated name, not input
            await create.ExecuteNonQueryAsync();
        }

        _databases.Add(database);
        return new Dictionary<string, string?>
        {
            ["LlmObs:Storage:Provider"] = "postgres",
            ["LlmObs:Storage:ConnectionString"] = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = database }.ConnectionString,
        };
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_databases.Count > 0)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            foreach (var database in _databases)
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
    }
}
