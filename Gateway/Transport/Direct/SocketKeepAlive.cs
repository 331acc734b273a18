using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;

namespace OrleansChat.Gateway.Transport.Direct;

/// <summary>
/// The protocol's keep-alive (a WebSocket ping every <c>PingInterval</c>, the socket aborted when
/// nothing comes back within <c>PongTimeout</c>) for the sockets <see cref="DirectUpgrade"/> took,
/// by one timer for the whole gateway, as Kestrel's own heartbeat walks its connections once a
/// second. The runtime's keep-alive (<c>WebSocketCreationOptions.KeepAliveTimeout</c>) keeps a
/// timer per socket that fires every quarter of the shorter setting (3.75 s with the defaults;
/// <c>KeepAlivePingState.HeartBeatIntervalMs</c> in dotnet/runtime's <c>ManagedWebSocket.KeepAlive.cs</c>);
/// with many idle sockets, walking those timers and the thread wake-ups they caused were a large
/// share of the idle gateway's CPU (docs/decisions/0022-one-keep-alive-sweep.md).
/// Sockets served through the HTTP pipeline keep the runtime's.
/// </summary>
/// <remarks>
/// A ping goes out between the WebSocket's frames (<see cref="KeepAliveStream.TrySendPing"/>).
/// Any bytes the WebSocket reads after it, its pong or anything else, show the peer is alive, as
/// any frame does for the runtime's keep-alive. Like the runtime's, the answer is only seen while
/// the socket is being read, which ours always is between frames. The sweep runs every quarter of
/// the shorter setting, as the runtime's timer does, so a dead peer is dropped within
/// <c>PongTimeout</c> and a quarter.
/// </remarks>
public sealed class SocketKeepAlive(IOptions<TransportOptions> options, TimeProvider time) : BackgroundService
{
    private readonly ConcurrentDictionary<Entry, byte> _sockets = new();
    private readonly long _pingInterval = (long)options.Value.PingInterval.TotalMilliseconds;
    private readonly long _pongTimeout = (long)options.Value.PongTimeout.TotalMilliseconds;

    /// <summary>Pings <paramref name="socket"/> through <paramref name="stream"/> until the returned handle is disposed.</summary>
    public IDisposable Track(WebSocket socket, KeepAliveStream stream)
    {
        var entry = new Entry(this, socket, stream, time.GetTimestamp());
        _sockets.TryAdd(entry, 0);
        return entry;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_pingInterval <= 0)
        {
            return;
        }

        var shorter = _pongTimeout > 0 ? Math.Min(_pingInterval, _pongTimeout) : _pingInterval;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(10, shorter / 4)), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sweep();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private void Sweep()
    {
        // One reading of the clock for the round, as the runtime's timer has one per firing.
        var now = time.GetTimestamp();
        // Enumerating the dictionary itself takes no snapshot (Keys would copy 10,000 entries a round).
        foreach (var (entry, _) in _sockets)
        {
            if (entry.Socket.State != WebSocketState.Open)
            {
                continue;
            }

            if (entry.PingSentAt != 0 && entry.Stream.Reads == entry.ReadsAtPing)
            {
                // Nothing read since the ping.
                if (_pongTimeout > 0 && time.GetElapsedTime(entry.PingSentAt, now).TotalMilliseconds >= _pongTimeout)
                {
                    entry.Socket.Abort();
                }
            }
            else if (time.GetElapsedTime(entry.PingSentAt != 0 ? entry.PingSentAt : entry.Since, now).TotalMilliseconds >= _pingInterval)
            {
                // Counted before the ping goes out: on loopback its pong can be read before the next line.
                // The ping is only buffered here (the socket's sends are SendQueue's), so nothing here waits or throws for a socket's sake.
                var reads = entry.Stream.Reads;
                if (entry.Stream.TrySendPing())
                {
                    entry.ReadsAtPing = reads;
                    entry.PingSentAt = now;
                }
            }
        }
    }

    private sealed class Entry(SocketKeepAlive owner, WebSocket socket, KeepAliveStream stream, long since) : IDisposable
    {
        public WebSocket Socket { get; } = socket;

        public KeepAliveStream Stream { get; } = stream;

        public long Since { get; } = since;

        // Written and read by the sweep only.
        public long PingSentAt { get; set; }

        public int ReadsAtPing { get; set; }

        public void Dispose() => owner._sockets.TryRemove(this, out _);
    }
}
