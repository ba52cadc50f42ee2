using System.Net.Http.Headers;
using System.Net.Http.Json;
using Google.Protobuf;
using LlmObs.Server.Tests.Infrastructure;
using LlmObs.Server.Storage.Rollups;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LlmObs.Server.Tests.Query;

/// <summary>
/// A server of its own, holding exactly <see cref="QuerySeed"/>, on one storage engine. The background rollup
/// service is off, so which path answers is never a matter of timing: with <see cref="RollUp"/> the rollup job runs
/// once the seed is stored (its days are long closed) and the aggregates are answered from the rollups; without,
/// from the spans.
/// </summary>
public abstract class SeededServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _dataDirectory = new();
    private LlmObsServer? _server;

    public LlmObsServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>Why this engine cannot be tested here, or null.</summary>
    public string? Unavailable { get; protected set; }

    protected abstract ValueTask<IReadOnlyDictionary<string, string?>?> SettingsAsync();

    /// <summary>What the server is sent at start instead of <see cref="QuerySeed"/>.</summary>
    public IEnumerable<OpenTelemetry.Proto.Collector.Trace.V1.ExportTraceServiceRequest>? Seed { get; init; }

    /// <summary>Whether the rollup job runs after seeding, so the aggregates read the rollups.</summary>
    protected virtual bool RollUp => false;

    public async ValueTask InitializeAsync()
    {
        var settings = await SettingsAsync();
        if (settings is null)
        {
            return;
        }

        _server = LlmObsServer.StartInMemory(_dataDirectory.Path, new Dictionary<string, string?>(settings) { ["LlmObs:Storage:Rollups:Enabled"] = "false" });
        foreach (var request in Seed ?? QuerySeed.Requests())
        {
            await SendAsync(request);
        }

        if (RollUp)
        {
            var run = await Server.Services.GetRequiredService<RollupJob>().CatchUpAsync(DateTime.UtcNow, TestContext.Current.CancellationToken);
            if (run.Days == 0)
            {
                throw new InvalidOperationException("The rollup job rolled up no day of the seed.");
            }
        }
    }

    /// <summary>Sends an export through the real OTLP/HTTP receiver, which acknowledges it only once stored.</summary>
    public async Task SendAsync(Google.Protobuf.IMessage request)
    {
        using var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(LlmObsServer.ProtobufContentType);
        using var response = await Server.Client.PostAsync("/v1/traces", content, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task<T> GetAsync<T>(string pathAndQuery) =>
        await Server.Client.GetFromJsonAsync<T>(pathAndQuery, TestContext.Current.CancellationToken)
        ?? throw new Xunit.Sdk.XunitException($"{pathAndQuery} answered null.");

    public virtual async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _dataDirectory.Dispose();
        GC.SuppressFinalize(this);
    }
}

public class DuckDbSeededFixture : SeededServerFixture
{
    protected override ValueTask<IReadOnlyDictionary<string, string?>?> SettingsAsync() =>
        ValueTask.FromResult<IReadOnlyDictionary<string, string?>?>(new Dictionary<string, string?>());
}

/// <summary>PostgreSQL from <c>LLMOBS_TEST_POSTGRES</c> (eng/test.sh starts one), in a database of its own.</summary>
public class PostgresSeededFixture : SeededServerFixture
{
    private string? _adminConnectionString;
    private string? _database;

    protected override async ValueTask<IReadOnlyDictionary<string, string?>?> SettingsAsync()
    {
        _adminConnectionString = Environment.GetEnvironmentVariable("LLMOBS_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(_adminConnectionString))
        {
            Unavailable = "LLMOBS_TEST_POSTGRES is not set (eng/test.sh sets it).";
            return null;
        }

        _database = "llmobs_query_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = _database }.ConnectionString;
        return new Dictionary<string, string?>
        {
            ["LlmObs:Storage:Provider"] = "postgres",
            ["LlmObs:Storage:ConnectionString"] = connectionString,
        };
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null && _adminConnectionString is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

public sealed class DuckDbRolledUpFixture : DuckDbSeededFixture
{
    protected override bool RollUp => true;
}

public sealed class PostgresRolledUpFixture : PostgresSeededFixture
{
    protected override bool RollUp => true;
}
