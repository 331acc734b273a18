using OrleansChat.Gateway.Hub;

namespace OrleansChat.Gateway.Cluster;

/// <summary>
/// Follows the Orleans client's connection to the cluster (Orleans calls this observer when the
/// number of reachable silo gateways changes) and, when the connection comes back, has the hub
/// subscribe its rooms again.
/// </summary>
public sealed partial class ClusterConnection(IServiceProvider services, ILogger<ClusterConnection> logger) : IClusterConnectionStatusObserver
{
    private volatile bool _connected;

    /// <summary>True while the client has at least one gateway to the cluster.</summary>
    public bool IsConnected => _connected;

    /// <summary>Marks the first successful connection (the client's start completes only once connected).</summary>
    public void MarkStarted() => _connected = true;

    /// <inheritdoc />
    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        _connected = currentNumberOfGateways > 0;
        if (connectionRecovered)
        {
            LogRecovered(currentNumberOfGateways);
            // The hub is resolved lazily: it depends on the client whose services created this observer.
            _ = services.GetRequiredService<RoomHub>().ResubscribeAllAsync();
        }
    }

    /// <inheritdoc />
    public void NotifyClusterConnectionLost()
    {
        _connected = false;
        LogLost();
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "Lost the connection to the cluster")]
    private partial void LogLost();

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Connection to the cluster recovered ({Gateways} gateways); subscribing rooms again")]
    private partial void LogRecovered(int gateways);
}
