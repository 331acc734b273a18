using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Transport;
using OrleansChat.Gateway.Transport.Direct;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Transport;

/// <summary>The gateway's one keep-alive sweep, over WebSockets on in-memory pipes.</summary>
public sealed class SocketKeepAliveTests
{
    private static readonly byte[] Ping = [0x89, 0x00];

    [Fact]
    public async Task ASocketWhosePingFailsEndsAndTheOthersAreStillPinged()
    {
        using var keepAlive = new SocketKeepAlive(
            Options.Create(new TransportOptions { PingInterval = TimeSpan.FromMilliseconds(20), PongTimeout = TimeSpan.FromHours(1) }),
            TimeProvider.System);
        var sends = new SendQueue();

        // A socket whose connection fails the first send: its ping.
        var endingConnection = new HeldConnection();
        endingConnection.Hold();
        var endingStream = new KeepAliveStream(endingConnection, sends);
        using var ending = ServerSocket(endingStream);
        using var endingPings = keepAlive.Track(ending, endingStream);
        var endingReceive = ending.ReceiveAsync(new ArraySegment<byte>(new byte[16]), CancellationToken.None);

        var fromPeer = new Pipe();
        var toPeer = new Pipe();
        var liveStream = new KeepAliveStream(new PipeConnection(fromPeer.Reader, toPeer.Writer), sends);
        using var live = ServerSocket(liveStream);
        using var livePings = keepAlive.Track(live, liveStream);
        // Read, as the gateway's read loop does, so that the pongs are taken in.
        var receive = live.ReceiveAsync(new ArraySegment<byte>(new byte[16]), CancellationToken.None);

        await keepAlive.StartAsync(CancellationToken.None);
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Eventually.TrueAsync(() => Task.FromResult(endingConnection.Writes.Count == 1));
            endingConnection.Release(new IOException("reset by peer"));
            await Assert.ThrowsAnyAsync<Exception>(() => endingReceive.WaitAsync(limit.Token));

            // Three pings, each answered before the next is due: the sweep and the send queue went on past the other socket's failure.
            for (var i = 0; i < 3; i++)
            {
                var read = await toPeer.Reader.ReadAsync(limit.Token);
                Assert.Equal(Ping, read.Buffer.ToArray());
                toPeer.Reader.AdvanceTo(read.Buffer.End);
                await fromPeer.Writer.WriteAsync(new byte[] { 0x8A, 0x80, 1, 2, 3, 4 }, limit.Token); // a masked, empty pong
            }

            Assert.Equal(WebSocketState.Open, live.State);
            Assert.False(receive.IsCompleted);
        }
        finally
        {
            await keepAlive.StopAsync(CancellationToken.None);
        }
    }

    private static WebSocket ServerSocket(Stream stream) =>
        WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
}
