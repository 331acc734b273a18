using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Gateway;

/// <summary>One gateway on the shared cluster, for tests that need only one.</summary>
public sealed class GatewayFixture(ClusterFixture cluster) : IAsyncLifetime
{
    /// <summary>The running gateway.</summary>
    public GatewayHost Gateway { get; private set; } = null!;

    /// <summary>The cluster behind it.</summary>
    public ClusterFixture Cluster => cluster;

    public async Task InitializeAsync() => Gateway = await GatewayHost.StartAsync(cluster.Cluster);

    public async Task DisposeAsync() => await Gateway.DisposeAsync();
}
