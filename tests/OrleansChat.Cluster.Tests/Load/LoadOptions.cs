namespace OrleansChat.Cluster.Tests.Load;

/// <summary>How the fault scenarios' load behaves.</summary>
internal sealed record LoadOptions
{
    /// <summary>Clients, spread over both gateways and every room.</summary>
    public int Clients { get; init; } = 100;

    public int Rooms { get; init; } = 20;

    /// <summary>Each client sends a message this often (one in flight at a time): 2.5 a second.</summary>
    public TimeSpan SendInterval { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>How long a client waits for a reply before it treats its socket as dead and reconnects.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A message not acknowledged this long after its first send is a failure of the scenario.</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromSeconds(60);
}
