using System.Net.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansChat.Gateway.Transport;

namespace OrleansChat.Tests.Unit.Transport;

public sealed class OutboundQueueTests
{
    private static readonly byte[] Frame = "{\"type\":\"message\"}"u8.ToArray();

    [Fact]
    public async Task TypingIsDroppedOnceTheQueueIsHalfFullWhileMessagesStillQueue()
    {
        var socket = new GatedWebSocket();
        using var connection = new WebSocketConnection(socket, "c1", new TransportLimits(16 * 1024, 10, TimeSpan.FromSeconds(5)), NullLogger.Instance);
        var dropped = 0;
        connection.FrameDropped += () => dropped++;
        var running = connection.RunAsync(_ => Task.CompletedTask);

        // The writer takes the first frame and blocks on the closed gate; the rest wait in the queue.
        Assert.True(connection.TrySend(Frame));
        for (var i = 0; i < 5; i++)
        {
            Assert.True(connection.TrySend(Frame));
        }

        Assert.True(connection.QueuedFrames >= 5);
        Assert.False(connection.TrySend(Frame, droppable: true));
        Assert.Equal(1, dropped);
        Assert.True(connection.TrySend(Frame));

        socket.Open();
        connection.RequestClose(WebSocketCloseStatus.NormalClosure, "");
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(7, socket.Sent);
    }

    [Fact]
    public async Task AFullQueueClosesTheSocketAsASlowConsumerWithoutBlockingTheSender()
    {
        var socket = new GatedWebSocket();
        using var connection = new WebSocketConnection(socket, "c2", new TransportLimits(16 * 1024, 10, TimeSpan.FromSeconds(30)), NullLogger.Instance);
        var slow = 0;
        connection.SlowConsumerClosed += () => slow++;
        var running = connection.RunAsync(_ => Task.CompletedTask);

        var accepted = 0;
        while (connection.TrySend(Frame))
        {
            accepted++;
        }

        Assert.InRange(accepted, 10, 11);
        Assert.Equal(1, slow);
        Assert.False(connection.TrySend(Frame));

        // The peer reads again: every frame accepted before the close goes out (contract v1.1), then the close.
        socket.Open();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(accepted, socket.Sent);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task ACloseThatOverrunsItsTimeoutAbortsASendStuckOnAPeerThatDoesNotRead()
    {
        var socket = new GatedWebSocket();
        using var connection = new WebSocketConnection(socket, "c3", new TransportLimits(16 * 1024, 10, TimeSpan.FromMilliseconds(100)), NullLogger.Instance);
        var running = connection.RunAsync(_ => Task.CompletedTask);

        // The writer blocks sending to a peer that never reads; the close cannot go out behind it.
        Assert.True(connection.TrySend(Frame));
        connection.RequestClose(WebSocketCloseStatus.NormalClosure, "");

        await running.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WebSocketState.Aborted, socket.State);
        Assert.Equal(0, socket.Sent);
    }

    [Fact]
    public void AnIdleSocketIsWrittenOnTheThreadThatQueuesTheFrame()
    {
        // A peer that keeps up: the send completes at once.
        var socket = new GatedWebSocket();
        socket.Open();
        using var connection = new WebSocketConnection(socket, "c4", new TransportLimits(16 * 1024, 10, TimeSpan.FromSeconds(5)), NullLogger.Instance);
        var sent = 0;
        connection.FrameSent += () => sent++;

        // No writer task in between: the frame is on the socket when TrySend returns.
        Assert.True(connection.TrySend(Frame));
        Assert.Equal(1, socket.Sent);
        Assert.Equal(1, sent);
        Assert.Equal(0, connection.QueuedFrames);
    }

    [Fact]
    public async Task FramesQueuedBehindAPendingSendGoOutInOrderOnceThePeerReads()
    {
        var socket = new GatedWebSocket();
        using var connection = new WebSocketConnection(socket, "c5", new TransportLimits(16 * 1024, 10, TimeSpan.FromSeconds(5)), NullLogger.Instance);
        var running = connection.RunAsync(_ => Task.CompletedTask);

        for (var i = 1; i <= 4; i++)
        {
            Assert.True(connection.TrySend(System.Text.Encoding.UTF8.GetBytes($"{{\"n\":{i}}}")));
        }

        // The first is in flight, blocked on the peer; the queuing side was not held up.
        Assert.Equal(3, connection.QueuedFrames);
        socket.Open();
        connection.RequestClose(WebSocketCloseStatus.NormalClosure, "");
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}"], socket.SentTexts);
    }

    [Fact]
    public async Task ASendThatFailsAtOnceNeverThrowsAtTheCallerAndEndsTheConnection()
    {
        var socket = new GatedWebSocket();
        using var connection = new WebSocketConnection(socket, "c6", new TransportLimits(16 * 1024, 10, TimeSpan.FromSeconds(5)), NullLogger.Instance);
        var running = connection.RunAsync(_ => Task.CompletedTask);

        // The peer is gone: the send fails on the caller's thread, inside the connection.
        socket.Abort();
        connection.TrySend(Frame);
        Assert.False(connection.TrySend(Frame));
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, socket.Sent);
        Assert.Equal(WebSocketState.Aborted, socket.State);
    }
}
