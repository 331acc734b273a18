namespace OrleansChat.Bench.Measure;

/// <summary>
/// Sums per-process numbers over the server processes (everything but the bench), so that a
/// gateway plus a silo can stand against the baseline's single process in one row.
/// </summary>
internal static class ServerTotals
{
    public const string Bench = "bench";

    public static double? Sum(IReadOnlyDictionary<string, double> byProcess)
    {
        var servers = byProcess.Where(pair => pair.Key != Bench).Select(pair => pair.Value).ToList();
        return servers.Count == 0 ? null : servers.Sum();
    }
}
