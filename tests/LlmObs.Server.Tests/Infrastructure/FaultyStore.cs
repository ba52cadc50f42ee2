using LlmObs.Server.Ingest;
using LlmObs.Server.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObs.Server.Tests.Infrastructure;

/// <summary>A store in front of the real one that can be told to refuse writes, as a full queue or a failing disk would.</summary>
internal sealed class FaultyStore(ISpanStore inner) : ISpanStore
{
    /// <summary>What <see cref="WriteAsync"/> throws instead of writing; null writes through.</summary>
    public Exception? Failure { get; set; }

    public int Writes { get; private set; }

    public Task WriteAsync(IReadOnlyList<SpanRecord> spans, CancellationToken cancellationToken)
    {
        Writes++;
        return Failure is { } failure ? Task.FromException(failure) : inner.WriteAsync(spans, cancellationToken);
    }

    public Task<IReadOnlyList<StoredSpan>> GetTraceAsync(string traceId, CancellationToken cancellationToken) => inner.GetTraceAsync(traceId, cancellationToken);

    /// <summary>Puts a <see cref="FaultyStore"/> in front of the store the server registered.</summary>
    public static void Install(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(ISpanStore));
        services.AddSingleton(sp => new FaultyStore((ISpanStore)registered.ImplementationFactory!(sp)));
        services.AddSingleton<ISpanStore>(sp => sp.GetRequiredService<FaultyStore>());
    }
}
