using Orleans.TestingHost;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>An in-process cluster of two silos configured like the real one, shared by a test collection.</summary>
public sealed class ClusterFixture() : InProcessCluster(silos: 2);

/// <summary>One silo configured like the real one, for tests that need every grain on the silo they look into.</summary>
public sealed class OneSiloFixture() : InProcessCluster(silos: 1);

/// <summary>
/// One silo whose stream cache forgets events, and the streams it has purged, after a second or two
/// instead of Orleans' 5 to 30 minutes (<see cref="ShortStreamCacheSilos"/>), for tests of a
/// subscription whose position the cache no longer holds.
/// </summary>
public sealed class ShortStreamCacheFixture() : InProcessCluster(silos: 1)
{
    /// <inheritdoc />
    protected override void ConfigureSilos(TestClusterBuilder builder)
    {
        base.ConfigureSilos(builder);
        builder.AddSiloBuilderConfigurator<ShortStreamCacheSilos>();
    }
}

/// <summary>An in-process test cluster whose silos are configured like the real one (<see cref="TestSilos"/>).</summary>
public abstract class InProcessCluster(int silos) : IAsyncLifetime
{
    /// <summary>The running cluster.</summary>
    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>The cluster's own client.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>The first silo's own services (the only silo's, in a one-silo cluster).</summary>
    public IServiceProvider Services => ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder((short)silos);
        // Real TCP on loopback (the default is an in-memory transport): gateways under test connect with their own Orleans clients.
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        ConfigureSilos(builder);
        builder.AddClientBuilderConfigurator<TestClients>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Adds the silos' configurators: <see cref="TestSilos"/>, then any of the fixture's own.</summary>
    protected virtual void ConfigureSilos(TestClusterBuilder builder) => builder.AddSiloBuilderConfigurator<TestSilos>();

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
