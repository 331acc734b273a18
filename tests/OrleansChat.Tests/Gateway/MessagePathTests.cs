using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Orleans.Streams;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Gateway;

/// <summary>The message path end to end, on each socket path.</summary>
public abstract class MessagePathTests(ClusterFixture cluster, SocketPath path) : IAsyncLifetime
{
    private GatewayHost _gateway = null!;


    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync(cluster.Cluster, path: path);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task WelcomeIsTheFirstFrameAndCarriesTheTrimmedName()
    {
        await using var alice = await ChatClient.ConnectAsync(_gateway, "  alice ");
        var welcome = alice.Frames[0];
        Assert.Equal("welcome", welcome.Type());
        Assert.Equal("alice", welcome.Str("user"));
        Assert.False(string.IsNullOrEmpty(welcome.Str("connectionId")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<script>")]
    [InlineData("a-name-that-is-far-too-long-for-the-contract")]
    public async Task AnInvalidNameIsRefusedWith400BeforeTheUpgrade(string name)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_gateway.Address, $"/ws?name={Uri.EscapeDataString(name)}"));
        request.Headers.Add("Connection", "Upgrade");
        request.Headers.Add("Upgrade", "websocket");
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ThreeClientsEachReceiveEveryMessageOnceInSeqOrderTheSenderIncluded()
    {
        var room = Rooms.New();
        await using var alice = await ChatClient.ConnectAsync(_gateway, "alice");
        await using var bob = await ChatClient.ConnectAsync(_gateway, "bob");
        await using var carol = await ChatClient.ConnectAsync(_gateway, "carol");
        ChatClient[] clients = [alice, bob, carol];
        foreach (var client in clients)
        {
            await client.JoinAsync(room);
        }

        var sends = clients.Select((client, n) => Task.Run(async () =>
        {
            for (var i = 0; i < 6; i++)
            {
                var ack = await client.PostAsync(room, $"m-{i}", $"message {i} from {n}");
                Assert.Equal("ack", ack.Type());
            }
        }));
        await Task.WhenAll(sends);

        foreach (var client in clients)
        {
            var messages = await client.WaitForCountAsync(f => f.IsMessageIn(room), 18);
            Assert.Equal(Enumerable.Range(1, 18).Select(i => (long)i), messages.Select(m => m.Num("seq")));
        }

        // Each sender's own messages arrive in the order it sent them.
        var fromAlice = alice.Frames.Where(f => f.IsMessageIn(room) && f.Str("user") == "alice").Select(f => f.Str("id"));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"m-{i}"), fromAlice);
    }

    [Fact]
    public async Task AnAckMeansTheMessageIsAlreadyInTheRoomsHistory()
    {
        var room = Rooms.New();
        await using var alice = await ChatClient.ConnectAsync(_gateway, "alice");
        await alice.JoinAsync(room);

        var ack = await alice.PostAsync(room, "m-1", "stored before the ack");

        Assert.Equal("ack", ack.Type());
        Assert.Equal(1, ack.Num("seq"));
        var history = await cluster.Client.GetGrain<IChatRoomGrain>(room).GetHistoryAsync(0, 10);
        Assert.Equal("stored before the ack", Assert.Single(history.Messages).Text);
    }

    [Fact]
    public async Task AFailedStoreAnswersUnavailableWithNoAckAndNoBroadcast()
    {
        var room = Rooms.New();
        await using var alice = await ChatClient.ConnectAsync(_gateway, "alice");
        await using var bob = await ChatClient.ConnectAsync(_gateway, "bob");
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);

        FaultyGrainStorage.Fail(room);
        JsonReply failed;
        try
        {
            failed = new(await alice.PostAsync(room, "m-1", "will fail"));
        }
        finally
        {
            FaultyGrainStorage.Heal(room);
        }

        Assert.Equal("error", failed.Frame.Type());
        Assert.Equal("unavailable", failed.Frame.Str("code"));
        Assert.Equal(room, failed.Frame.Str("room"));

        var retried = await alice.PostAsync(room, "m-1", "will fail");
        Assert.Equal("ack", retried.Type());
        Assert.Equal(1, retried.Num("seq"));
        var delivered = await bob.WaitForAsync(f => f.IsMessageIn(room));
        Assert.Equal(1, delivered.Num("seq"));
        Assert.Single(bob.Frames, f => f.IsMessageIn(room));
    }

    [Fact]
    public async Task JoinRepliesWithTheRecentHistoryAndTheLatestSeq()
    {
        var room = Rooms.New();
        var grain = cluster.Client.GetGrain<IChatRoomGrain>(room);
        for (var i = 1; i <= 60; i++)
        {
            await grain.PostAsync(new PostRequest("bob", $"m-{i}", $"text {i}"));
        }

        await using var alice = await ChatClient.ConnectAsync(_gateway, "alice");
        var joined = await alice.JoinAsync(room);

        Assert.Equal(60, joined.Num("seq"));
        Assert.False(string.IsNullOrEmpty(joined.Str("epoch")));
        var history = joined.GetProperty("history").EnumerateArray().ToArray();
        Assert.Equal(Enumerable.Range(11, 50).Select(i => (long)i), history.Select(m => m.Num("seq")));
        Assert.All(history, m => Assert.Equal("message", m.Type()));
        Assert.Equal("text 60", history[^1].Str("text"));
    }

    [Fact]
    public async Task TwoSocketsInOneRoomShareOneSubscriptionThatGoesWithTheLast()
    {
        var room = Rooms.New();
        var client = _gateway.Services.GetRequiredService<IClusterClient>();
        var stream = client.GetStreamProvider(ChatStreams.ProviderName).GetStream<RoomEvent>(ChatStreams.ForRoom(room));
        await using var alice = await ChatClient.ConnectAsync(_gateway, "alice");
        await using var bob = await ChatClient.ConnectAsync(_gateway, "bob");

        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        Assert.Single(await stream.GetAllSubscriptionHandles());

        await alice.SendAsync(new { type = "leave", room });
        await alice.WaitForAsync(f => f.Type() == "left");
        Assert.Single(await stream.GetAllSubscriptionHandles());
        var ack = await bob.PostAsync(room, "m-1", "still delivered");
        await bob.WaitForAsync(f => f.IsMessageIn(room) && f.Num("seq") == ack.Num("seq"));

        await bob.SendAsync(new { type = "leave", room });
        await bob.WaitForAsync(f => f.Type() == "left");
        Assert.Empty(await stream.GetAllSubscriptionHandles());
    }

    [Fact]
    public async Task ClosingTheLastSocketReleasesTheRoomSubscription()
    {
        var room = Rooms.New();
        var client = _gateway.Services.GetRequiredService<IClusterClient>();
        var stream = client.GetStreamProvider(ChatStreams.ProviderName).GetStream<RoomEvent>(ChatStreams.ForRoom(room));
        var hub = _gateway.Services.GetRequiredService<OrleansChat.Gateway.Hub.RoomHub>();
        var alice = await ChatClient.ConnectAsync(_gateway, "alice");
        await alice.JoinAsync(room);
        Assert.Single(await stream.GetAllSubscriptionHandles());

        await alice.DisposeAsync();

        await Eventually.TrueAsync(async () => (await stream.GetAllSubscriptionHandles()).Count == 0);
        Assert.Equal(0, hub.RoomCount);
    }

    private sealed record JsonReply(System.Text.Json.JsonElement Frame);
}

/// <summary>The message path with upgrades taken before Kestrel.</summary>
[Collection(ClusterCollection.Name)]
public sealed class MessagePathTestsOnDirectSockets(ClusterFixture cluster) : MessagePathTests(cluster, SocketPath.Direct);

/// <summary>The message path with every socket through Kestrel's HTTP pipeline.</summary>
[Collection(ClusterCollection.Name)]
public sealed class MessagePathTestsThroughKestrel(ClusterFixture cluster) : MessagePathTests(cluster, SocketPath.Kestrel);
