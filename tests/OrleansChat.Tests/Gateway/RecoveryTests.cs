using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Gateway;

/// <summary>Recovery after a reconnect, on each socket path.</summary>
public abstract class RecoveryTests(ClusterFixture cluster, SocketPath path) : TwoGatewaysTest(cluster, path)
{
    [Fact]
    public async Task RejoiningWithSinceReturnsEverythingMissedAndRecoveredTrue()
    {
        var room = Rooms.New();
        var alice = await ChatClient.ConnectAsync(East, "alice");
        var first = await alice.JoinAsync(room);
        var epoch = first.Str("epoch");
        await alice.PostAsync(room, "m-1", "one");
        var seen = (await alice.WaitForAsync(f => f.IsMessageIn(room))).Num("seq");
        await alice.DisposeAsync();

        await using var bob = await ChatClient.ConnectAsync(West, "bob");
        await bob.JoinAsync(room);
        for (var i = 2; i <= 6; i++)
        {
            await bob.PostAsync(room, $"b-{i}", $"missed {i}");
        }

        await using var back = await ChatClient.ConnectAsync(West, "alice");
        var rejoined = await back.JoinAsync(room, since: seen, epoch: epoch);

        Assert.True(rejoined.GetProperty("recovered").GetBoolean());
        Assert.Equal(6, rejoined.Num("seq"));
        Assert.Equal([2L, 3L, 4L, 5L, 6L], rejoined.GetProperty("history").EnumerateArray().Select(m => m.Num("seq")));
    }

    [Fact]
    public async Task AnotherEpochOrAGapWiderThanTheWindowGivesRecoveredFalseAndTheNewestWindow()
    {
        var room = Rooms.New();
        var grain = Cluster.Client.GetGrain<IChatRoomGrain>(room);
        var total = TestSilos.HistoryWindow + 20;
        for (var i = 1; i <= total; i++)
        {
            await grain.PostAsync(new PostRequest("bob", $"m-{i}", $"text {i}"));
        }

        await using var alice = await ChatClient.ConnectAsync(East, "alice");
        var current = await alice.JoinAsync(room);

        var tooOld = await alice.JoinAsync(room, since: 3, epoch: current.Str("epoch"));
        Assert.False(tooOld.GetProperty("recovered").GetBoolean());
        var window = tooOld.GetProperty("history").EnumerateArray().Select(m => m.Num("seq")).ToArray();
        Assert.Equal(total, window[^1]);
        Assert.Equal(TestSilos.HistoryWindow, window.Length);

        var otherEpoch = await alice.JoinAsync(room, since: total - 2, epoch: "an-epoch-that-never-was");
        Assert.False(otherEpoch.GetProperty("recovered").GetBoolean());
        Assert.Equal(total, otherEpoch.GetProperty("history").EnumerateArray().Last().Num("seq"));

        var fine = await alice.JoinAsync(room, since: total - 2, epoch: current.Str("epoch"));
        Assert.True(fine.GetProperty("recovered").GetBoolean());
        Assert.Equal([total - 1L, total], fine.GetProperty("history").EnumerateArray().Select(m => m.Num("seq")));
    }

    [Fact]
    public async Task ARepeatedSendThroughAnotherGatewayGetsTheOriginalSeqAndIsNotBroadcastTwice()
    {
        var room = Rooms.New();
        await using var bob = await ChatClient.ConnectAsync(West, "bob");
        await bob.JoinAsync(room);
        var alice = await ChatClient.ConnectAsync(East, "alice");
        await alice.JoinAsync(room);
        var first = await alice.PostAsync(room, "m-1", "only once");
        await alice.DisposeAsync();

        await using var aliceAgain = await ChatClient.ConnectAsync(West, "alice");
        await aliceAgain.JoinAsync(room, since: 0);
        var repeat = await aliceAgain.PostAsync(room, "m-1", "only once");
        await aliceAgain.PostAsync(room, "m-2", "marker");
        await bob.WaitForAsync(f => f.IsMessageIn(room) && f.Str("id") == "m-2");

        Assert.Equal("ack", repeat.Type());
        Assert.Equal(first.Num("seq"), repeat.Num("seq"));
        Assert.Single(bob.Frames, f => f.IsMessageIn(room) && f.Str("id") == "m-1");
        Assert.Equal(2, (await Cluster.Client.GetGrain<IChatRoomGrain>(room).GetHistoryAsync(0, 10)).LatestSeq);
    }

    [Fact]
    public async Task MessagesPostedWhileSomeoneJoinsReachThemExactlyOnceInOrder()
    {
        var room = Rooms.New();
        var grain = Cluster.Client.GetGrain<IChatRoomGrain>(room);
        var posting = Task.Run(async () =>
        {
            for (var i = 1; i <= 120; i++)
            {
                await grain.PostAsync(new PostRequest("bob", $"m-{i}", $"text {i}"));
            }
        });

        await using var alice = await ChatClient.ConnectAsync(East, "alice");
        var joined = await alice.JoinAsync(room, since: 0);
        await posting;

        await alice.WaitForAsync(f => f.IsMessageIn(room) && f.Num("seq") == 120 || joined.Num("seq") == 120);
        var seqs = joined.GetProperty("history").EnumerateArray().Select(m => m.Num("seq"))
            .Concat(alice.Frames.Where(f => f.IsMessageIn(room)).Select(f => f.Num("seq")))
            .ToArray();
        Assert.Equal(Enumerable.Range((int)seqs[0], 121 - (int)seqs[0]).Select(i => (long)i), seqs);
    }
}

/// <summary>Recovery with upgrades taken before Kestrel.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RecoveryTestsOnDirectSockets(ClusterFixture cluster) : RecoveryTests(cluster, SocketPath.Direct);

/// <summary>Recovery with every socket through Kestrel's HTTP pipeline.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RecoveryTestsThroughKestrel(ClusterFixture cluster) : RecoveryTests(cluster, SocketPath.Kestrel);
