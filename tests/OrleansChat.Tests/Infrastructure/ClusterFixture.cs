using Orleans.TestingHost;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>An in-process cluster of two silos configured like the real one, shared by a test collection.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>The running cluster.</summary>
    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>The cluster's own client.</summary>
    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        // Real TCP on loopback (the default is an in-memory transport): gateways under test connect with their own Orleans clients.
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.AddSiloBuilderConfigurator<TestSilos>();
        builder.AddClientBuilderConfigurator<TestClients>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
