using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Gateway;

/// <summary>A test class with two gateways (east and west) on the shared cluster, started and stopped around each test.</summary>
public abstract class TwoGatewaysTest(ClusterFixture cluster, SocketPath path) : IAsyncLifetime
{
    /// <summary>The cluster behind both gateways.</summary>
    protected ClusterFixture Cluster => cluster;

    /// <summary>How both gateways take their sockets.</summary>
    protected SocketPath Path => path;

    /// <summary>One gateway.</summary>
    protected GatewayHost East { get; private set; } = null!;

    /// <summary>The other gateway.</summary>
    protected GatewayHost West { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        East = await GatewayHost.StartAsync(cluster.Cluster, path: path);
        West = await GatewayHost.StartAsync(cluster.Cluster, path: path);
    }

    public async Task DisposeAsync()
    {
        await East.DisposeAsync();
        await West.DisposeAsync();
    }
}
