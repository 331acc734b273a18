using System.Net.Sockets;
using System.Text;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Gateway;

/// <summary>
/// The protocol's keep-alive on sockets taken off the connection: WebSocket pings at the interval,
/// beside the socket's own frames. A peer that never answers is dropped:
/// LimitTests.APeerThatNeverAnswersPingsIsDroppedAndLeavesTheRoom.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class KeepAliveTests(ClusterFixture cluster)
{
    [Fact]
    public async Task AnIdleSocketIsPingedAfterItsWelcome()
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:PingInterval"] = "00:00:00.200",
            ["Chat:Gateway:PongTimeout"] = "00:00:05",
        });
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await using var stream = await RawUpgrade.ConnectAsync(gateway, "alice", cancellationToken: limit.Token);

        var welcome = await RawUpgrade.ReadFrameAsync(stream, limit.Token);
        var next = await RawUpgrade.ReadFrameAsync(stream, limit.Token);

        Assert.Equal(0x81, welcome.Header); // a final text frame
        Assert.Contains("\"type\":\"welcome\"", Encoding.UTF8.GetString(welcome.Payload), StringComparison.Ordinal);
        Assert.Equal(0x89, next.Header); // a final ping
    }

    [Fact]
    public async Task APeerThatAnswersEveryPingOutlivesThePongTimeoutManyTimesOver()
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:PingInterval"] = "00:00:00.100",
            ["Chat:Gateway:PongTimeout"] = "00:00:02",
        });
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var stream = await RawUpgrade.ConnectAsync(gateway, "alice", cancellationToken: limit.Token);

        // 30 pings at 100 ms apart span 3 s, past the 2 s in which an unanswered ping drops the socket.
        for (var pings = 0; pings < 30;)
        {
            var frame = await RawUpgrade.ReadFrameAsync(stream, limit.Token);
            Assert.NotEqual(0x88, frame.Header); // a close
            if (frame.Header == 0x89)
            {
                pings++;
                await stream.WriteAsync(RawUpgrade.ClientFrame(0x8A, frame.Payload), limit.Token); // its pong, echoing its payload
            }
        }

        // And the socket still serves: the protocol's own ping is answered.
        await stream.WriteAsync(RawUpgrade.ClientFrame(0x81, "{\"type\":\"ping\"}"u8.ToArray()), limit.Token);
        (byte Header, byte[] Payload) reply;
        do
        {
            reply = await RawUpgrade.ReadFrameAsync(stream, limit.Token);
        }
        while (reply.Header == 0x89);

        Assert.Equal("{\"type\":\"pong\"}", Encoding.UTF8.GetString(reply.Payload));
    }

    [Fact]
    public async Task PingsEveryFewMillisecondsNeverBreakAFrameOfABurst()
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:PingInterval"] = "00:00:00.010",
            ["Chat:Gateway:PongTimeout"] = "00:00:05",
        });
        var room = Rooms.New();
        await using var bob = await ChatClient.ConnectAsync(gateway, "bob");
        await bob.JoinAsync(room);
        var grain = cluster.Client.GetGrain<IChatRoomGrain>(room);

        // Posted without waiting, so the messages reach bob's socket back to back while pings go out beside them.
        await Task.WhenAll(Enumerable.Range(1, 400).Select(i => grain.PostAsync(new PostRequest("carol", $"m-{i}", $"text {i} {new string('x', 200)}"))));
        var messages = await bob.WaitForCountAsync(f => f.Type() == "message", 400, TimeSpan.FromSeconds(30));

        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), messages.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.Null(bob.CloseStatus);
    }
}
