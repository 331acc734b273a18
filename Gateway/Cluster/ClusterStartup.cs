namespace OrleansChat.Gateway.Cluster;

/// <summary>
/// Runs after the Orleans client's own hosted service, whose start returns only once it is
/// connected, and so marks the gateway as connected for readiness.
/// </summary>
internal sealed class ClusterStartup(ClusterConnection connection) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        connection.MarkStarted();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
