namespace LlmObs.Server.Sampling;

/// <summary>
/// Remembers recent decisions so late spans follow their trace. Bounded: the oldest decisions are forgotten
/// first, as the Collector's decision cache does.
/// </summary>
internal sealed class DecisionCache(int capacity)
{
    private readonly Dictionary<string, (bool Keep, string Reason)> _decisions = new(Math.Min(capacity, 1 << 16));
    private readonly Queue<string> _order = new();

    public void Remember(string traceId, bool keep, string reason)
    {
        if (_decisions.TryAdd(traceId, (keep, reason)))
        {
            _order.Enqueue(traceId);
            while (_order.Count > capacity)
            {
                _decisions.Remove(_order.Dequeue());
            }
        }
    }

    public bool TryGet(string traceId, out (bool Keep, string Reason) decision) => _decisions.TryGetValue(traceId, out decision);
}
