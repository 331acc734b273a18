namespace OrleansChat.Cluster.Tests.Infrastructure;

/// <summary>One local cluster (cluster.sh up) shared by the fault scenarios, which run one after another.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>Where the scenarios' figures are also written, so ./test.sh can print them (xunit keeps a passed test's output to itself).</summary>
    public static string FiguresFile { get; } = Path.Combine(AppContext.BaseDirectory, "fault-figures.txt");

    internal LocalCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        File.Delete(FiguresFile);
        Cluster = await LocalCluster.UpAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
