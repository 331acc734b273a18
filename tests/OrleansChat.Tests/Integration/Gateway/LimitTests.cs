using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Gateway;

[Collection(ClusterCollection.Name)]
public sealed class LimitTests(ClusterFixture cluster)
{
    [Fact]
    public async Task AFrameOverTheLimitClosesWith1009AndABinaryFrameWith1003()
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster);
        await using var big = await ChatClient.ConnectAsync(gateway, "alice");
        await big.SendRawAsync($$"""{"type":"send","room":"lobby","id":"m-1","text":"{{new string('x', 17 * 1024)}}"}""");
        await big.WaitForCloseAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, big.CloseStatus);

        await using var binary = await ChatClient.ConnectAsync(gateway, "bob");
        await binary.SendBinaryAsync([1, 2, 3]);
        await binary.WaitForCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, binary.CloseStatus);
    }

    [Fact]
    public async Task SendsPastTheBurstAreRateLimitedAndNotStored()
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster);
        var room = Rooms.New();
        await using var alice = await ChatClient.ConnectAsync(gateway, "alice");
        await alice.JoinAsync(room);

        for (var i = 0; i < 30; i++)
        {
            await alice.SendAsync(new { type = "send", room, id = $"m-{i}", text = $"burst {i}" });
        }

        var replies = await alice.WaitForCountAsync(f => f.Type() is "ack" or "error" && f.Str("id") is not null, 30);
        var acks = replies.Count(f => f.Type() == "ack");
        var limited = replies.Count(f => f.Str("code") == "rate_limited");
        Assert.Equal(30, acks + limited);
        Assert.InRange(acks, 20, 29);
        Assert.True(limited >= 1);
        Assert.Equal(acks, (await cluster.Client.GetGrain<IChatRoomGrain>(room).GetHistoryAsync(0, 100)).LatestSeq);
    }

    [Fact]
    public async Task JoiningMoreRoomsThanAllowedGetsTooManyRooms()
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?> { ["Chat:Gateway:MaxRoomsPerConnection"] = "3" });
        await using var alice = await ChatClient.ConnectAsync(gateway, "alice");
        for (var i = 0; i < 3; i++)
        {
            await alice.JoinAsync(Rooms.New());
        }

        var room = Rooms.New();
        await alice.SendAsync(new { type = "join", room });
        var error = await alice.WaitForAsync(f => f.Type() == "error");
        Assert.Equal("too_many_rooms", error.Str("code"));
        Assert.Equal(room, error.Str("room"));
    }

    [Theory]
    [InlineData(SocketPath.Direct)]
    [InlineData(SocketPath.Kestrel)]
    public async Task AReaderThatStopsReadingIsClosedWith1013WhileItsNeighbourGetsEverything(SocketPath path)
    {
        // Both share one gateway (a slow socket must not harm its neighbours there), which keeps its default queue of
        // 1,000 frames: a fan-out hands each member a batch of messages back to back (RoomChannel.Fanout), so a queue
        // of 20 now and then closed the reading neighbour too (docs/decisions/not-adopted.md), while 1,000 frames
        // (4 MB) on top of what its socket buffers hold is further behind than a socket that reads ever falls.
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:CloseTimeout"] = "00:01:00",
            // Alice answers no ping while she does not read; the keep-alive must not be what ends her socket.
            ["Chat:Gateway:PongTimeout"] = "00:05:00",
        }, path: path);
        var room = Rooms.New();
        await using var neighbour = await ChatClient.ConnectAsync(gateway, "bob");
        await neighbour.JoinAsync(room);
        using var paused = await PausedReader.JoinAsync(gateway, "alice", room);

        // How much alice's socket buffers take before her queue fills is the machine's to say, so messages go out
        // until the gateway closes her as a slow consumer.
        using var slowConsumerCloses = new GatewayCount(gateway, "chat.gateway.slow_consumer.closes");
        var total = await LargeMessages.PostUntilAsync(cluster.Client, room, _ => Task.FromResult(slowConsumerCloses.Total > 0), "alice was not closed as a slow consumer");

        var received = await neighbour.WaitForCountAsync(f => f.IsMessageIn(room), total, TimeSpan.FromSeconds(120));
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), received.Select(f => f.Num("seq")));

        var (status, description, messages) = await paused.ResumeAsync();
        Assert.Equal((WebSocketCloseStatus)1013, status);
        Assert.Equal("slow consumer", description);
        Assert.InRange(messages, 0, total - 1);
        Assert.Equal(1, slowConsumerCloses.Total);
    }

    [Fact]
    public async Task PingsWaitWhileAFrameIsStuckBehindAReaderThatStoppedReading()
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            // Pings as often as the keep-alive sends them (the runtime's checks once a second at the most) while alice's
            // socket cannot take a byte: none may go out in the middle of a frame or beside a write waiting for room.
            ["Chat:Gateway:PingInterval"] = "00:00:00.010",
            ["Chat:Gateway:PongTimeout"] = "00:05:00",
        });
        var room = Rooms.New();
        using var paused = await PausedReader.JoinAsync(gateway, "alice", room);

        // Until frames wait in the gateway's queue: alice's socket buffers are full and a write waits for room.
        using var unwritten = new UnwrittenFrames(gateway);
        var total = await unwritten.PostUntilQueuedAsync(cluster.Client, room, frames: 100);
        var seqs = await paused.ReadMessagesAsync(total);

        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), seqs);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task APeerThatNeverAnswersTheCloseIsAbortedAfterTheCloseTimeout(string directUpgrade)
    {
        // On both paths: taken before Kestrel, and upgraded through the HTTP pipeline.
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:CloseTimeout"] = "00:00:01",
            ["Chat:Gateway:DirectUpgrade"] = directUpgrade,
        });
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var stream = await RawUpgrade.ConnectAsync(gateway, "alice", cancellationToken: limit.Token);
        await RawUpgrade.ReadFrameAsync(stream, limit.Token); // welcome

        // A binary frame is closed with 1003; the peer never answers the close.
        await stream.WriteAsync(RawUpgrade.ClientFrame(0x82, [1, 2, 3]), limit.Token);
        var close = await RawUpgrade.ReadFrameAsync(stream, limit.Token);
        Assert.Equal(0x88, close.Header);
        Assert.Equal((int)WebSocketCloseStatus.InvalidMessageType, (close.Payload[0] << 8) | close.Payload[1]);

        await RawUpgrade.ReadUntilEndedAsync(stream, limit.Token);

        Assert.False(limit.IsCancellationRequested);
    }

    [Fact]
    public async Task AnOriginThatIsNotAllowedIsRefusedWith403AndTheGatewaysOwnIsAccepted()
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:AllowedOrigins:0"] = "https://chat.example.org",
        });

        var evil = await Assert.ThrowsAsync<WebSocketException>(() => ChatClient.ConnectAsync(gateway, "alice", o => o.SetRequestHeader("Origin", "https://evil.example.com")));
        Assert.Contains("403", evil.Message, StringComparison.Ordinal);

        await using var own = await ChatClient.ConnectAsync(gateway, "alice", o => o.SetRequestHeader("Origin", $"http://{gateway.Address.Authority}"));
        await using var listed = await ChatClient.ConnectAsync(gateway, "bob", o => o.SetRequestHeader("Origin", "https://chat.example.org"));
        Assert.Equal("welcome", own.Frames[0].Type());
        Assert.Equal("welcome", listed.Frames[0].Type());
    }

    [Fact]
    public async Task APeerThatNeverAnswersPingsIsDroppedAndLeavesTheRoom()
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:PingInterval"] = "00:00:00.300",
            ["Chat:Gateway:PongTimeout"] = "00:00:00.500",
        });
        var room = Rooms.New();
        await using var bob = await ChatClient.ConnectAsync(gateway, "bob");
        await bob.JoinAsync(room);
        using var silent = await PausedReader.JoinAsync(gateway, "alice", room);
        await bob.WaitForAsync(f => f.Type() == "presence" && f.Str("user") == "alice" && f.Str("event") == "join");

        await bob.WaitForAsync(f => f.Type() == "presence" && f.Str("user") == "alice" && f.Str("event") == "leave");
        Assert.Equal(["bob"], await cluster.Client.GetGrain<IChatRoomGrain>(room).GetMembersAsync());
    }

    /// <summary>
    /// A client on a raw socket with a tiny receive buffer that joins a room and then stops
    /// reading (so it answers no pings and its TCP window fills).
    /// </summary>
    private sealed class PausedReader : IDisposable
    {
        private readonly NetworkStream _stream;
        private readonly WebSocket _ws;

        private PausedReader(NetworkStream stream, WebSocket ws) => (_stream, _ws) = (stream, ws);

        public static async Task<PausedReader> JoinAsync(GatewayHost gateway, string name, string room)
        {
            var stream = await RawUpgrade.ConnectAsync(gateway, name, receiveBufferSize: 4096);
            var ws = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = Timeout.InfiniteTimeSpan });
            var reader = new PausedReader(stream, ws);
            await reader.ReadFrameAsync(); // welcome
            await ws.SendAsync(Encoding.UTF8.GetBytes($$"""{"type":"join","room":"{{room}}"}"""), WebSocketMessageType.Text, true, CancellationToken.None);
            await reader.ReadFrameAsync(); // joined
            return reader;
        }

        /// <summary>Reads on until the close frame; returns its status and how many message frames came first.</summary>
        public async Task<(WebSocketCloseStatus? Status, string? Description, int Messages)> ResumeAsync()
        {
            var messages = 0;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (true)
            {
                var frame = await ReadFrameAsync(cts.Token);
                if (frame is null)
                {
                    return (_ws.CloseStatus, _ws.CloseStatusDescription, messages);
                }

                messages += frame.Contains("\"type\":\"message\"", StringComparison.Ordinal) ? 1 : 0;
            }
        }

        /// <summary>Reads on until <paramref name="count"/> message frames came; returns their seqs in order.</summary>
        public async Task<List<long>> ReadMessagesAsync(int count)
        {
            var seqs = new List<long>();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (seqs.Count < count)
            {
                var frame = await ReadFrameAsync(cts.Token) ?? throw new IOException("closed after " + seqs.Count + " messages");
                using var json = JsonDocument.Parse(frame);
                if (json.RootElement.GetProperty("type").GetString() == "message")
                {
                    seqs.Add(json.RootElement.GetProperty("seq").GetInt64());
                }
            }

            return seqs;
        }

        public void Dispose()
        {
            _ws.Dispose();
            _stream.Dispose();
        }

        private async Task<string?> ReadFrameAsync(CancellationToken cancellationToken = default)
        {
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _ws.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            return Encoding.UTF8.GetString(message.ToArray());
        }
    }
}
