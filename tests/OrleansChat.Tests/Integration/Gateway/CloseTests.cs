using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Gateway.Transport;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Gateway;

/// <summary>
/// Every way a socket closes (contract v1.1, "Closing"), on both socket paths: the peer sees the right
/// code and reason, every frame queued before the close arrives first, and a socket closed for cause
/// leaves its rooms at once (long before its close timeout).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CloseTests(ClusterFixture cluster)
{
    private const int Pings = 20;

    [Theory]
    [InlineData(SocketPath.Direct, WebSocketCloseStatus.NormalClosure)]
    [InlineData(SocketPath.Kestrel, WebSocketCloseStatus.NormalClosure)]
    [InlineData(SocketPath.Direct, WebSocketCloseStatus.EndpointUnavailable)]
    [InlineData(SocketPath.Kestrel, WebSocketCloseStatus.EndpointUnavailable)]
    public async Task AClientsCloseIsEchoedWithItsCodeAfterEveryFrameQueuedBeforeIt(SocketPath path, WebSocketCloseStatus code)
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, path: path);
        await using var alice = await RawClient.ConnectAsync(gateway, "name=alice");

        for (var i = 0; i < Pings; i++)
        {
            await alice.SendAsync("""{"type":"ping"}""");
        }

        await alice.Socket.CloseOutputAsync(code, "bye", CancellationToken.None);
        var (frames, status, reason) = await alice.ReadToCloseAsync();

        Assert.Equal(Enumerable.Repeat("pong", Pings), frames.Select(f => f.Type()));
        Assert.Equal(code, status);
        Assert.Equal("", reason);
    }

    [Theory]
    [InlineData(SocketPath.Direct, true)]
    [InlineData(SocketPath.Kestrel, true)]
    [InlineData(SocketPath.Direct, false)]
    [InlineData(SocketPath.Kestrel, false)]
    public async Task ABinaryOrOversizeFrameLeavesItsRoomsAtOnceAndClosesWith1003Or1009AfterTheRepliesQueuedBeforeIt(SocketPath path, bool binary)
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:CloseTimeout"] = "00:01:00",
        }, path: path);
        var room = Rooms.New();
        await using var alice = await RawClient.ConnectAsync(gateway, "name=alice");
        await alice.JoinAsync(room);
        await using var bob = await ChatClient.ConnectAsync(gateway, "bob");
        await bob.JoinAsync(room);
        // Bob's join is the last frame alice gets before her pongs.
        await alice.ReadUntilAsync(f => f.Type() == "presence" && f.Str("user") == "bob" && f.Str("event") == "join");

        for (var i = 0; i < Pings; i++)
        {
            await alice.SendAsync("""{"type":"ping"}""");
        }

        if (binary)
        {
            await alice.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        }
        else
        {
            await alice.SendAsync($$"""{"type":"send","room":"lobby","id":"m-1","text":"{{new string('x', 17 * 1024)}}"}""");
        }

        // Alice reads nothing until bob has seen her leave: her close waits for her answer, up to the close timeout
        // (a minute), but her rooms do not.
        await bob.WaitForAsync(f => f.Type() == "presence" && f.Str("user") == "alice" && f.Str("event") == "leave", timeout: TimeSpan.FromSeconds(40));

        var (frames, status, reason) = await alice.ReadToCloseAsync();

        Assert.Equal(Enumerable.Repeat("pong", Pings), frames.Select(f => f.Type()));
        Assert.Equal(binary ? WebSocketCloseStatus.InvalidMessageType : WebSocketCloseStatus.MessageTooBig, status);
        Assert.Equal(binary ? "binary frames are not accepted" : "frames are limited to 16384 bytes", reason);
    }

    [Theory]
    [InlineData(SocketPath.Direct)]
    [InlineData(SocketPath.Kestrel)]
    public async Task AnExpiredTokenLeavesItsRoomsAtOnceAndClosesWith1008(SocketPath path)
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:JwtSigningKey"] = Jwt.SigningKey,
            ["Chat:Gateway:JwtClockSkew"] = "00:00:00",
            ["Chat:Gateway:CloseTimeout"] = "00:01:00",
        }, path: path);
        var room = Rooms.New();
        await using var bob = await ChatClient.ConnectAsync(gateway.SocketWithQuery("token=" + Jwt.Create(Jwt.Claims("bob"))));
        await bob.JoinAsync(room);
        var (token, _) = Jwt.ExpiringIn(TimeSpan.FromSeconds(6), "alice");
        await using var alice = await RawClient.ConnectAsync(gateway, "token=" + token);
        await alice.JoinAsync(room);
        await bob.WaitForAsync(f => f.Type() == "presence" && f.Str("user") == "alice" && f.Str("event") == "join");

        // Alice does not read: her close waits for her, up to the close timeout (a minute), but her rooms do not.
        var clock = Stopwatch.StartNew();
        await bob.WaitForAsync(f => f.Type() == "presence" && f.Str("user") == "alice" && f.Str("event") == "leave", timeout: TimeSpan.FromSeconds(40));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"the leave came after {clock.Elapsed}");

        var (_, status, reason) = await alice.ReadToCloseAsync();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.Equal("token expired", reason);
    }

    [Theory]
    [InlineData(SocketPath.Direct)]
    [InlineData(SocketPath.Kestrel)]
    public async Task ASlowConsumerLeavesAtOnceAndThenReadsWhatItWasSentAndThe1013(SocketPath path)
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:OutboundQueueLimit"] = "20",
            ["Chat:Gateway:CloseTimeout"] = "00:01:00",
            // Alice answers no ping while she does not read; the keep-alive must not be what ends her socket.
            ["Chat:Gateway:PongTimeout"] = "00:05:00",
        }, path: path);
        // Bob watches from a gateway of his own with the default queue: a queue of 20 frames would close him too
        // whenever a fan-out hands him more than that at once (the stream delivers queued messages together).
        await using var watching = await GatewayHost.StartAsync(cluster.Cluster, path: path);
        var room = Rooms.New();
        await using var bob = await ChatClient.ConnectAsync(watching, "bob");
        await bob.JoinAsync(room);
        await using var alice = await RawClient.ConnectAsync(gateway, "name=alice", receiveBufferSize: 4096);
        await alice.JoinAsync(room);
        await bob.WaitForAsync(f => f.Type() == "presence" && f.Str("user") == "alice" && f.Str("event") == "join");

        // How much alice's socket buffers take before her queue of 20 fills is the machine's to say: the gateway's
        // kernel send buffer alone grows to megabytes (Linux's tcp_wmem allows 4 MB by default), more than 300 of these
        // messages. So messages go out until the gateway closes her as a slow consumer, and from then on the clock runs.
        using var slowConsumerCloses = new GatewayCount(gateway, "chat.gateway.slow_consumer.closes");
        var total = await LargeMessages.PostUntilAsync(cluster.Client, room, _ => Task.FromResult(slowConsumerCloses.Total > 0), "alice was not closed as a slow consumer");

        // Her close waits for her, up to the close timeout (a minute), but her rooms do not.
        await bob.WaitForAsync(f => f.Type() == "presence" && f.Str("user") == "alice" && f.Str("event") == "leave", timeout: TimeSpan.FromSeconds(40));
        await bob.WaitForCountAsync(f => f.IsMessageIn(room), total, TimeSpan.FromSeconds(60));

        var (frames, status, reason) = await alice.ReadToCloseAsync();
        var seqs = frames.Where(f => f.IsMessageIn(room)).Select(f => f.Num("seq")).ToList();
        Assert.Equal((WebSocketCloseStatus)1013, status);
        Assert.Equal("slow consumer", reason);
        Assert.NotEmpty(seqs);
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        Assert.True(seqs.Count < total);
    }

    [Theory]
    [InlineData(SocketPath.Direct)]
    [InlineData(SocketPath.Kestrel)]
    public async Task ADrainClosesWith1001AfterEveryFrameQueuedBeforeIt(SocketPath path)
    {
        var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            // Alice answers no ping while she does not read; the keep-alive must not be what ends her socket.
            ["Chat:Gateway:PongTimeout"] = "00:05:00",
        }, path: path);
        try
        {
            var room = Rooms.New();
            await using var alice = await RawClient.ConnectAsync(gateway, "name=alice", receiveBufferSize: 4096);
            await alice.JoinAsync(room);

            // Alice is not reading: messages go out until some wait in her queue (of 1,000 frames) behind her full
            // socket buffers, which on their own take megabytes, so that the drain has frames of the gateway's to order.
            using var unwritten = new UnwrittenFrames(gateway);
            var total = await unwritten.PostUntilQueuedAsync(cluster.Client, room, frames: 100);
            var stopping = gateway.StopAsync();
            var registry = gateway.Services.GetRequiredService<ConnectionRegistry>();
            await Eventually.TrueAsync(() => Task.FromResult(!registry.IsAccepting));

            var (frames, status, reason) = await alice.ReadToCloseAsync();
            await stopping;

            Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), frames.Where(f => f.IsMessageIn(room)).Select(f => f.Num("seq")));
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, status);
            Assert.Equal("server shutting down", reason);
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }
}
