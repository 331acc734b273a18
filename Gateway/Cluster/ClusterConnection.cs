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
/// <remarks>
/// After a loss, the connection counts as back only once a probe is answered, not when Orleans
/// reports a gateway again: <c>ClientOutboundConnection.RunAsyncCore</c> raises the count as soon
/// as the socket connects, before the silo has answered the connection preamble. A silo that is
/// still starting accepts the socket and answers nothing for seconds (its connection is then
/// dropped after Orleans' 5 s open timeout); counted as connected, requests went to it and got
/// <c>unavailable</c> only after the response timeout, and the rooms' subscriptions made anew timed out.
/// </remarks>
public sealed partial class ClusterConnection(IServiceProvider services, ILogger<ClusterConnection> logger) : IClusterConnectionStatusObserver
{
    /// <summary>How often a lost connection is probed.</summary>
    public static readonly TimeSpan ProbePeriod = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long after losing one of several silo connections the rooms are subscribed again: by then
    /// the client's messages go through the silos left, and the subscriptions made anew reach it.
    /// </summary>
    public static readonly TimeSpan ResubscribeDelay = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private TaskCompletionSource _connected = Completed();
    private int _gateways;
    private bool _probing;
    private int _resubscribing;

    /// <summary>True while the client has at least one gateway to the cluster that has answered since the last loss.</summary>
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
        Volatile.Write(ref _gateways, currentNumberOfGateways);
        if (currentNumberOfGateways == 0)
        {
            SetLost();
        }
        else if (IsConnected && currentNumberOfGateways < previousNumberOfGateways)
        {
            // A silo this gateway was connected to went away while others remain. Stream events on their
            // way to this client through that silo fail, and a pulling agent whose delivery to a client
            // fails drops that subscription for good: in the rolling-restart fault test whole rooms stopped
            // reaching their gateways. Subscribing every room again (and filling from history) mends that.
            LogSiloConnectionLost(previousNumberOfGateways, currentNumberOfGateways);
            _ = ResubscribeLaterAsync();
        }

        // A gateway more while lost: the probe, running since the loss, finds out whether its silo answers.
    }

    /// <inheritdoc />
    public void NotifyClusterConnectionLost()
    {
        LogLost();
        SetLost();
    }

    // One resubscription at a time; losses while one waits are covered by it.
    private async Task ResubscribeLaterAsync()
    {
        if (Interlocked.Exchange(ref _resubscribing, 1) == 1)
        {
            return;
        }

        try
        {
            await Task.Delay(ResubscribeDelay);
            Volatile.Write(ref _resubscribing, 0);
            await services.GetRequiredService<RoomHub>().ResubscribeAllAsync();
        }
        finally
        {
            Volatile.Write(ref _resubscribing, 0);
        }
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

    // A probe was answered: the connection is back if a gateway is still open (one may have closed since).
    private bool TryConfirm()
    {
        lock (_lock)
        {
            return Volatile.Read(ref _gateways) > 0 && _connected.TrySetResult();
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
    // believes live; the connection is back once such a call is answered.
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
                if (TryConfirm())
                {
                    var gateways = Volatile.Read(ref _gateways);
                    LogRecovered(gateways);
                    // The hub is resolved lazily: it depends on the client whose services created this observer.
                    _ = services.GetRequiredService<RoomHub>().ResubscribeAllAsync();
                    continue;
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogProbeFailed(exception);
            }

            await Task.Delay(ProbePeriod);
        }
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "Lost the connection to the cluster; probing it every half second")]
    private partial void LogLost();

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Connection to the cluster recovered ({Gateways} gateways); subscribing rooms again")]
    private partial void LogRecovered(int gateways);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "A silo connection closed ({Previous} -> {Current}); subscribing rooms again shortly")]
    private partial void LogSiloConnectionLost(int previous, int current);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Probing the cluster failed")]
    private partial void LogProbeFailed(Exception exception);
}
