namespace OrleansChat.Cluster.Tests.Load;

/// <summary>What a scenario's load did and what <see cref="HistoryChecker"/> found.</summary>
internal sealed record LoadReport(
    int Clients,
    int Rooms,
    int Acknowledged,
    int Unavailable,
    int MostUnavailableForOneClient,
    TimeSpan LongestAckWait,
    int Reconnects,
    int Recovered,
    TimeSpan? SlowestRoomRecovery,
    IReadOnlyList<string> Problems)
{
    public override string ToString() =>
        $"clients {Clients} in {Rooms} rooms; acknowledged {Acknowledged}; unavailable {Unavailable} (at most {MostUnavailableForOneClient} for one client); " +
        $"longest ack wait {LongestAckWait.TotalSeconds:0.00} s; reconnects {Reconnects} ({Recovered} recovered); " +
        $"every room taking sends again after the fault: {(SlowestRoomRecovery is { } r ? $"{r.TotalSeconds:0.00} s" : "n/a")}; " +
        $"checker: {(Problems.Count == 0 ? "no problems" : $"{Problems.Count} problems")}";
}
