using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Hosting;

namespace OrleansChat.Gateway.Transport;

/// <summary>
/// The protocol's keep-alive (a WebSocket ping every <c>PingInterval</c>, the socket aborted when
/// nothing comes back within <c>PongTimeout</c>) for the sockets <see cref="DirectUpgrade"/> took,
/// by one timer for the whole gateway, as Kestrel's own heartbeat walks its connections once a
/// second. The runtime's keep-alive (<c>WebSocketCreationOptions.KeepAliveTimeout</c>) keeps a
/// timer per socket firing every quarter of the shorter setting (3.75 s with the defaults); with
/// 10,000 idle sockets the runtime's timer queue walking those timers was a fifth of the idle
/// gateway's CPU, and the thread wake-ups they caused a quarter (docs/performance-notes.md, "One
/// keep-alive timer per gateway"). Sockets served through the HTTP pipeline keep the runtime's.
/// </summary>
/// <remarks>
/// A ping goes out between the WebSocket's frames (<see cref="DuplexPipeStream.TrySendPing"/>);
/// any bytes read from the peer after it, its pong or anything else, show the peer is alive. The
/// check runs every quarter of the shorter setting, as the runtime's does, so a dead peer is
/// dropped within <c>PongTimeout</c> and a quarter.
/// </remarks>
public sealed class SocketKeepAlive(IOptions<ChatGatewayOptions> options, TimeProvider time) : BackgroundService
{
    private readonly ConcurrentDictionary<Entry, byte> _sockets = new();
    private readonly long _pingInterval = (long)options.Value.PingInterval.TotalMilliseconds;
    private readonly long _pongTimeout = (long)options.Value.PongTimeout.TotalMilliseconds;

    /// <summary>Whether the settings ask for a keep-alive at all (a ping interval above zero).</summary>
    public bool Enabled => _pingInterval > 0;

    /// <summary>Pings <paramref name="socket"/> through <paramref name="stream"/> until the returned handle is disposed.</summary>
    public IDisposable Track(WebSocket socket, DuplexPipeStream stream)
    {
        var entry = new Entry(this, socket, stream, Environment.TickCount64);
        _sockets.TryAdd(entry, 0);
        return entry;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        var period = TimeSpan.FromMilliseconds(Math.Max(10, Math.Min(_pingInterval, _pongTimeout > 0 ? _pongTimeout : _pingInterval) / 4));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sweep(Environment.TickCount64);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private void Sweep(long now)
    {
        foreach (var entry in _sockets.Keys)
        {
            if (entry.Socket.State != WebSocketState.Open)
            {
                continue;
            }

            try
            {
                var waitingForPong = entry.PingSentAt > 0 && entry.Stream.LastReadAt < entry.PingSentAt;
                if (waitingForPong)
                {
                    if (_pongTimeout > 0 && now - entry.PingSentAt >= _pongTimeout)
                    {
                        entry.Socket.Abort();
                    }
                }
                else if (now - Math.Max(entry.PingSentAt, entry.Since) >= _pingInterval && entry.Stream.TrySendPing())
                {
                    entry.PingSentAt = now;
                }
            }
            catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException or IOException)
            {
                // Its connection is ending (the transport completed under the ping); no other socket's pings wait on it.
                entry.Socket.Abort();
            }
        }
    }

    private sealed class Entry(SocketKeepAlive owner, WebSocket socket, DuplexPipeStream stream, long since) : IDisposable
    {
        public WebSocket Socket { get; } = socket;

        public DuplexPipeStream Stream { get; } = stream;

        public long Since { get; } = since;

        // Written and read by the sweep only.
        public long PingSentAt { get; set; }

        public void Dispose() => owner._sockets.TryRemove(this, out _);
    }
}
