using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Gateway.Hub;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Gateway;

/// <summary>Presence and typing across gateways, on each socket path.</summary>
public abstract class PresenceAndTypingTests(ClusterFixture cluster, SocketPath path) : TwoGatewaysTest(cluster, path)
{
    [Fact]
    public async Task AGatewayRenewsItsRoomsWithCallsInFlightTogether()
    {
        // Renewals only when the test asks, so that no periodic round is under way while the rooms are held.
        await using var gateway = await GatewayHost.StartAsync(Cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:PresenceRenewPeriod"] = "01:00:00",
        }, path: Path);
        string[] rooms = [Rooms.New(), Rooms.New(), Rooms.New()];
        await using var alice = await ChatClient.ConnectAsync(gateway, "alice");
        foreach (var room in rooms)
        {
            await alice.JoinAsync(room);
            HeldRenewals.Hold(room);
        }

        var renewal = gateway.Services.GetRequiredService<RoomHub>().RenewPresenceAsync();
        int[] waiting;
        try
        {
            // One after another, the first held renewal would keep the other two from being sent at all.
            await Eventually.TrueAsync(() => Task.FromResult(rooms.All(room => HeldRenewals.Waiting(room) > 0)));
            waiting = [.. rooms.Select(HeldRenewals.Waiting)];
        }
        finally
        {
            foreach (var room in rooms)
            {
                HeldRenewals.Release(room);
            }
        }

        await renewal;
        Assert.Equal([1, 1, 1], waiting);
    }

    [Fact]
    public async Task PresenceAcrossGatewaysCountsEachNameOnce()
    {
        var room = Rooms.New();
        await using var alice = await ChatClient.ConnectAsync(East, "alice");
        await alice.JoinAsync(room);

        await using var bobWest = await ChatClient.ConnectAsync(West, "bob");
        var joined = await bobWest.JoinAsync(room);
        Assert.Equal(["alice", "bob"], joined.GetProperty("members").EnumerateArray().Select(m => m.GetString()).Order());
        await alice.WaitForAsync(f => f.Type() == "presence" && f.Str("user") == "bob" && f.Str("event") == "join");

        // bob's second tab, on the other gateway: no second join, and members still list bob once.
        await using var bobEast = await ChatClient.ConnectAsync(East, "bob");
        var again = await bobEast.JoinAsync(room);
        Assert.Equal(["alice", "bob"], again.GetProperty("members").EnumerateArray().Select(m => m.GetString()).Order());
        using var http = new HttpClient { BaseAddress = East.Address };
        var members = await http.GetFromJsonAsync<MembersBody>($"/api/rooms/{room}/members");
        Assert.Equal(["alice", "bob"], members!.Members.Order());

        // Closing one of bob's tabs is not a leave; closing the last one is.
        await bobWest.DisposeAsync();
        await alice.PostAsync(room, "m-1", "marker");
        await alice.WaitForAsync(f => f.IsMessageIn(room));
        await bobEast.DisposeAsync();
        await alice.WaitForAsync(f => f.Type() == "presence" && f.Str("user") == "bob" && f.Str("event") == "leave");
        Assert.Single(alice.Frames, f => f.Type() == "presence" && f.Str("user") == "bob" && f.Str("event") == "join");
        Assert.Single(alice.Frames, f => f.Type() == "presence" && f.Str("user") == "bob" && f.Str("event") == "leave");
        var leaveIndex = alice.Frames.ToList().FindIndex(f => f.Type() == "presence" && f.Str("event") == "leave");
        var markerIndex = alice.Frames.ToList().FindIndex(f => f.IsMessageIn(room));
        Assert.True(markerIndex < leaveIndex, "bob left when only one of his two tabs closed");
    }

    [Fact]
    public async Task MembersOfAGatewayThatDiesLeaveWhenItsLeaseRunsOut()
    {
        var room = Rooms.New();
        await using var alice = await ChatClient.ConnectAsync(East, "alice");
        await alice.JoinAsync(room);
        var doomed = await GatewayHost.StartAsync(Cluster.Cluster, path: Path);
        await using var carol = await ChatClient.ConnectAsync(doomed, "carol");
        await carol.JoinAsync(room);
        await alice.WaitForAsync(f => f.Type() == "presence" && f.Str("user") == "carol" && f.Str("event") == "join");

        await doomed.KillAsync();

        await alice.WaitForAsync(f => f.Type() == "presence" && f.Str("user") == "carol" && f.Str("event") == "leave", timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(["alice"], await Cluster.Client.GetGrain<IChatRoomGrain>(room).GetMembersAsync());
        await doomed.DisposeAsync();
    }

    [Fact]
    public async Task TypingReachesOthersButNotTheTypersOwnSocketsAndIsNeverStored()
    {
        var room = Rooms.New();
        await using var alice = await ChatClient.ConnectAsync(East, "alice");
        await using var bob = await ChatClient.ConnectAsync(West, "bob");
        await using var bobOtherTab = await ChatClient.ConnectAsync(East, "bob");
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        await bobOtherTab.JoinAsync(room);

        await bob.SendAsync(new { type = "typing", room });
        var typing = await alice.WaitForAsync(f => f.Type() == "typing");
        Assert.Equal("bob", typing.Str("user"));
        Assert.Equal(room, typing.Str("room"));
        Assert.False(typing.TryGetProperty("seq", out _));

        // A message sent after the hint arrives after it everywhere; by then bob's tabs would have had the hint.
        await alice.PostAsync(room, "m-1", "after typing");
        await bob.WaitForAsync(f => f.IsMessageIn(room));
        await bobOtherTab.WaitForAsync(f => f.IsMessageIn(room));
        Assert.DoesNotContain(bob.Frames, f => f.Type() == "typing");
        Assert.DoesNotContain(bobOtherTab.Frames, f => f.Type() == "typing");
        Assert.Equal(1, (await Cluster.Client.GetGrain<IChatRoomGrain>(room).GetHistoryAsync(0, 10)).LatestSeq);
    }

    private sealed record MembersBody(string Room, List<string> Members);
}

/// <summary>Presence and typing with upgrades taken before Kestrel.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PresenceAndTypingTestsOnDirectSockets(ClusterFixture cluster) : PresenceAndTypingTests(cluster, SocketPath.Direct);

/// <summary>Presence and typing with every socket through Kestrel's HTTP pipeline.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PresenceAndTypingTestsThroughKestrel(ClusterFixture cluster) : PresenceAndTypingTests(cluster, SocketPath.Kestrel);
