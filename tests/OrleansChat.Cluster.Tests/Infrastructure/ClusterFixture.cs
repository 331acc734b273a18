namespace OrleansChat.Cluster.Tests.Infrastructure;

/// <summary>One local cluster (cluster.sh up) shared by the fault scenarios, which run one after another.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    internal LocalCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await LocalCluster.UpAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
