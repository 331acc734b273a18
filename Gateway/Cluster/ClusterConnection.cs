using OrleansChat.Gateway.Hub;

namespace OrleansChat.Gateway.Cluster;

/// <summary>
/// Follows the Orleans client's connection to the cluster (Orleans calls this observer when the
/// number of connected silo gateways changes) and, when the connection comes back, has the hub
/// subscribe its rooms again. While it is lost, it probes the cluster twice a second: the client
/// opens connections to silo gateways only to send a message (<c>GatewayManager</c> in
/// dotnet/orleans chooses a live gateway per send and refreshes its list of them on a timer), and
/// the gateway sends nothing while it reaches no silo (<see cref="ClusterCallFilter"/>), so without
/// the probe it would never find the silos that are still up, or come back.
/// </summary>
public sealed partial class ClusterConnection(IServiceProvider services, ILogger<ClusterConnection> logger) : IClusterConnectionStatusObserver
{
    /// <summary>How often a lost connection is probed.</summary>
    public static readonly TimeSpan ProbePeriod = TimeSpan.FromMilliseconds(500);

    private readonly Lock _lock = new();
    private TaskCompletionSource _connected = Completed();
    private bool _probing;

    /// <summary>True while the client has at least one gateway to the cluster.</summary>
    public bool IsConnected => _connected.Task.IsCompleted;

    /// <summary>Marks the first successful connection (the client's start completes only once connected).</summary>
    public void MarkStarted() => SetConnected();

    /// <summary>Waits up to <paramref name="timeout"/> for the connection; true when connected.</summary>
    public async Task<bool> WaitConnectedAsync(TimeSpan timeout)
    {
        var connected = _connected.Task;
        if (connected.IsCompleted)
        {
            return true;
        }

        try
        {
            await connected.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways > 0)
        {
            SetConnected();
        }
        else
        {
            SetLost();
        }

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
        LogLost();
        SetLost();
    }

    private static TaskCompletionSource Completed()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }

    private void SetConnected()
    {
        lock (_lock)
        {
            _connected.TrySetResult();
        }
    }

    private void SetLost()
    {
        lock (_lock)
        {
            if (_connected.Task.IsCompleted)
            {
                _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            if (_probing)
            {
                return;
            }

            _probing = true;
        }

        _ = ProbeAsync();
    }

    // One cheap call to any silo (the management grain lists the silos) opens a connection through a gateway the client
    // believes live; once one opens, Orleans reports the gateway count and the connection is back.
    private async Task ProbeAsync()
    {
        var management = services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        while (true)
        {
            lock (_lock)
            {
                if (_connected.Task.IsCompleted)
                {
                    _probing = false;
                    return;
                }
            }

            try
            {
                await management.GetHosts(onlyActive: true).WaitAsync(ProbePeriod * 4);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogProbeFailed(exception);
            }

            await Task.Delay(ProbePeriod);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the connection to the cluster; probing it every half second")]
    private partial void LogLost();

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection to the cluster recovered ({Gateways} gateways); subscribing rooms again")]
    private partial void LogRecovered(int gateways);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Probing the cluster failed")]
    private partial void LogProbeFailed(Exception exception);
}
