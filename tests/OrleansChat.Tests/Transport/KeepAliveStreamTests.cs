using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using OrleansChat.Gateway.Transport;
using OrleansChat.Gateway.Transport.Direct;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Transport;

/// <summary>The stream under a directly upgraded socket: writes sent behind the writer, pings between frames, reads counted.</summary>
public sealed class KeepAliveStreamTests
{
    private static readonly byte[] Frame = [0x81, 0x0E, .. "{\"type\":\"x\"} "u8];
    private static readonly byte[] Second = [0x81, 0x03, .. "abc"u8];
    private static readonly byte[] Ping = [0x89, 0x00];

    [Fact]
    public async Task FramesWrittenWhileASendIsOnItsWayGoOutTogetherInTheirOrder()
    {
        var connection = new HeldConnection();
        using var stream = new KeepAliveStream(connection, new SendQueue());
        connection.Hold();

        // Each write only copies its frame: it completes at once, and the first goes to the socket on the queue's turn.
        Assert.True(stream.WriteAsync(Frame).AsTask().IsCompleted);
        await Eventually.TrueAsync(() => Task.FromResult(connection.Writes.Count == 1));
        Assert.True(stream.WriteAsync(Second).AsTask().IsCompleted);
        Assert.True(stream.WriteAsync(Frame).AsTask().IsCompleted);
        connection.Release();

        await Eventually.TrueAsync(() => Task.FromResult(connection.Writes.Count == 2));
        Assert.Equal(Frame, connection.Writes[0]);
        Assert.Equal([.. Second, .. Frame], connection.Writes[1]);
    }

    [Fact]
    public async Task AWriteWaitsOnceAPauseOfBytesWaitsAndGoesOnWhenTheyAreSent()
    {
        var connection = new HeldConnection();
        using var stream = new KeepAliveStream(connection, new SendQueue());
        await HoldAFrameAsync(connection, stream);

        var large = stream.WriteAsync(new byte[KeepAliveStream.PauseBytes]).AsTask();
        Assert.False(large.IsCompleted);

        connection.Release();
        await large.WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => Task.FromResult(connection.Writes.Count == 2));
        Assert.Equal(KeepAliveStream.PauseBytes, connection.Writes[1].Length);
    }

    [Fact]
    public async Task NoPingIsAddedWhileBytesWaitForThePeer()
    {
        var connection = new HeldConnection();
        using var stream = new KeepAliveStream(connection, new SendQueue());
        await HoldAFrameAsync(connection, stream);

        Assert.False(stream.TrySendPing());

        connection.Release();
        await Eventually.TrueAsync(() => Task.FromResult(stream.TrySendPing()));
        await Eventually.TrueAsync(() => Task.FromResult(connection.Writes.Count == 2));
        Assert.Equal(Ping, connection.Writes[1]);
    }

    [Fact]
    public async Task AFailedSendEndsTheConnectionAndFailsTheNextWrite()
    {
        var connection = new HeldConnection();
        using var stream = new KeepAliveStream(connection, new SendQueue());
        await HoldAFrameAsync(connection, stream);

        connection.Release(new IOException("reset by peer"));

        // Disposing the connection ends the WebSocket's pending read, so the session ends with nothing more to write.
        await Eventually.TrueAsync(() => Task.FromResult(connection.IsDisposed));
        await Assert.ThrowsAsync<IOException>(() => stream.WriteAsync(Frame).AsTask());
        Assert.False(stream.TrySendPing());
    }

    [Fact]
    public async Task ReadsCountsTheReadsStartedSoThatAnAnswerToAPingShows()
    {
        var fromPeer = new Pipe();
        using var stream = new KeepAliveStream(new PipeConnection(fromPeer.Reader, new Pipe().Writer), new SendQueue());
        var buffer = new byte[16];

        var first = stream.ReadAsync(buffer);
        var before = stream.Reads;
        await fromPeer.Writer.WriteAsync(new byte[] { 0x8A, 0x80, 1, 2, 3, 4 });
        Assert.Equal(6, await first);
        Assert.Equal(before, stream.Reads);

        // The WebSocket starts its next read once it has used the bytes: that is what the keep-alive sees.
        var second = stream.ReadAsync(buffer);
        Assert.Equal(before + 1, stream.Reads);
        await fromPeer.Writer.CompleteAsync();
        Assert.Equal(0, await second);
    }

    [Fact]
    public async Task AZeroByteReadOnTheSocketWaitsForBytesWithoutTakingThem()
    {
        // The socket's read loop waits this way, so that an idle socket holds no receive buffer.
        var (server, peer) = await LoopbackPairAsync();
        using var stream = new KeepAliveStream(new NetworkStream(server, ownsSocket: true), new SendQueue());
        using var _ = peer;

        var peek = stream.ReadAsync(Memory<byte>.Empty);
        Assert.False(peek.IsCompleted);
        await peer.SendAsync(new byte[] { 0x8A, 0x80, 1, 2, 3, 4 });

        Assert.Equal(0, await peek);
        var buffer = new byte[16];
        Assert.Equal(6, await stream.ReadAsync(buffer));
        Assert.Equal(new byte[] { 0x8A, 0x80, 1, 2, 3, 4 }, buffer[..6]);
    }

    [Fact]
    public async Task DisposingTheStreamEndsAPendingReadAndClosesTheSocket()
    {
        // ManagedWebSocket.Abort disposes its stream to end a read that waits on a dead peer.
        var (server, peer) = await LoopbackPairAsync();
        var stream = new KeepAliveStream(new NetworkStream(server, ownsSocket: true), new SendQueue());
        using var _ = peer;

        var read = stream.ReadAsync(new byte[16]).AsTask();
        Assert.False(read.IsCompleted);
        stream.Dispose();

        // The read ends with the socket's failure, not by running out of time.
        var ended = await Record.ExceptionAsync(() => read.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.NotNull(ended);
        Assert.IsNotType<TimeoutException>(ended);

        // The peer sees the connection end: a FIN, or a reset when the socket is closed with its read pending.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            Assert.Equal(0, await peer.ReceiveAsync(new byte[16], SocketFlags.None, limit.Token));
        }
        catch (SocketException reset) when (reset.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        Assert.False(stream.TrySendPing());
    }

    /// <summary>Writes a frame whose send the connection holds: it has gone to the connection, which has not taken it yet.</summary>
    private static async Task HoldAFrameAsync(HeldConnection connection, KeepAliveStream stream)
    {
        connection.Hold();
        await stream.WriteAsync(Frame);
        await Eventually.TrueAsync(() => Task.FromResult(connection.Writes.Count == 1));
    }

    private static async Task<(Socket Server, Socket Peer)> LoopbackPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await peer.ConnectAsync(listener.LocalEndPoint!);
        return (await listener.AcceptAsync(), peer);
    }
}
