using System.Net;
using System.Net.WebSockets;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Gateway;

/// <summary>
/// A token on an open socket, on both socket paths (taken before Kestrel, and through the HTTP
/// pipeline): its <c>rooms</c> claim, <c>refresh</c>, and the close with 1008 when it expires. The
/// gateways here allow a clock skew of one second, so expiry is seen within seconds.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TokenSocketTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task AJoinOutsideTheRoomsClaimIsForbiddenAndTheConnectionStaysOpen(string directUpgrade)
    {
        await using var gateway = await StartAsync(directUpgrade);
        var suffix = Rooms.New();
        var token = Jwt.Create(Jwt.Claims("alice", [$"lobby-{suffix}", $"team-{suffix}-*"]));
        await using var alice = await ChatClient.ConnectAsync(gateway.SocketWithQuery($"token={token}"));

        var named = await alice.JoinAsync($"lobby-{suffix}");
        var prefixed = await alice.JoinAsync($"team-{suffix}-red");
        var skip = alice.Frames.Count;
        await alice.SendAsync(new { type = "join", room = $"other-{suffix}" });
        var refused = await alice.WaitForAsync(f => f.Type() == "error", skip);

        Assert.Equal("joined", named.Type());
        Assert.Equal("joined", prefixed.Type());
        Assert.Equal("forbidden", refused.Str("code"));
        Assert.Equal($"other-{suffix}", refused.Str("room"));
        // Still open, and still in its rooms.
        var ack = await alice.PostAsync($"lobby-{suffix}", "m-1", "still here");
        Assert.Equal("ack", ack.Type());
        Assert.DoesNotContain(alice.Frames, f => f.Type() == "joined" && f.Str("room") == $"other-{suffix}");
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task WithoutARefreshTheSocketIsClosedWith1008WithinASecondOfExpiry(string directUpgrade)
    {
        await using var gateway = await StartAsync(directUpgrade);
        var (token, expires) = Jwt.ExpiringIn(TimeSpan.FromSeconds(5), "alice");
        var room = Rooms.New();
        await using var alice = await ChatClient.ConnectAsync(gateway.SocketWithQuery($"token={token}"));
        await alice.JoinAsync(room);

        await alice.WaitForCloseAsync(TimeSpan.FromSeconds(30));
        var closedAt = alice.ClosedAt!.Value;

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, alice.CloseStatus);
        Assert.Equal("token expired", alice.CloseDescription);
        var late = closedAt - (expires + Skew);
        Assert.True(late > TimeSpan.FromMilliseconds(-100), $"closed {-late.TotalMilliseconds} ms before exp plus the skew");
        Assert.True(late < TimeSpan.FromSeconds(1), $"closed {late.TotalMilliseconds} ms after exp plus the skew");
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task ARefreshBeforeExpiryKeepsTheSocketOpenPastTheFirstTokensExpiry(string directUpgrade)
    {
        await using var gateway = await StartAsync(directUpgrade);
        // Long enough to connect, join and refresh on a busy machine before it runs out.
        var (first, expires) = Jwt.ExpiringIn(TimeSpan.FromSeconds(6), "alice");
        var (second, renewed) = Jwt.ExpiringIn(TimeSpan.FromMinutes(10), "alice");
        var room = Rooms.New();
        await using var alice = await ChatClient.ConnectAsync(gateway.SocketWithQuery($"token={first}"));
        await alice.JoinAsync(room);

        var skip = alice.Frames.Count;
        await alice.SendAsync(new { type = "refresh", token = second });
        var refreshed = await alice.WaitForAsync(f => f.Type() is "refreshed" or "error", skip);
        Assert.Equal("refreshed", refreshed.Type());
        Assert.Equal(renewed.ToUnixTimeSeconds(), refreshed.Num("exp"));

        // Past the first token's expiry and its skew, with room to spare for the timer, the socket still works.
        await Eventually.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow > expires + Skew + TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(30));
        var ack = await alice.PostAsync(room, "m-after", "after the first token's expiry");
        Assert.Equal("ack", ack.Type());
        Assert.False(alice.IsClosed);
    }

    [Theory]
    [InlineData("true", "signed with another key")]
    [InlineData("false", "signed with another key")]
    [InlineData("true", "another user")]
    [InlineData("false", "another subject")]
    [InlineData("true", "expired")]
    [InlineData("false", "not a JWT")]
    public async Task AnInvalidRefreshIsBadTokenAndChangesNothing(string directUpgrade, string kind)
    {
        await using var gateway = await StartAsync(directUpgrade);
        var room = Rooms.New();
        var expires = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddSeconds(8).ToUnixTimeSeconds());
        var first = Jwt.Create(new() { ["name"] = "alice", ["sub"] = "user-1", ["rooms"] = new[] { room } }, expires, DateTimeOffset.UtcNow.AddMinutes(-1));
        var later = DateTimeOffset.UtcNow.AddHours(1);
        var bad = kind switch
        {
            "another user" => Jwt.Create(new() { ["name"] = "mallory", ["sub"] = "user-1" }, later),
            "another subject" => Jwt.Create(new() { ["name"] = "alice", ["sub"] = "user-2" }, later),
            _ => Jwt.Bad(kind),
        };
        await using var alice = await ChatClient.ConnectAsync(gateway.SocketWithQuery($"token={first}"));
        await alice.JoinAsync(room);

        var skip = alice.Frames.Count;
        await alice.SendAsync(new { type = "refresh", token = bad });
        var answer = await alice.WaitForAsync(f => f.Type() is "refreshed" or "error", skip);

        Assert.Equal("bad_token", answer.Str("code"));
        // Nothing changed: still in the room, still held to the first token's rooms and its expiry.
        Assert.Equal("ack", (await alice.PostAsync(room, "m-1", "still in")).Type());
        skip = alice.Frames.Count;
        await alice.SendAsync(new { type = "join", room = room + "x" });
        Assert.Equal("forbidden", (await alice.WaitForAsync(f => f.Type() == "error", skip)).Str("code"));
        await alice.WaitForCloseAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, alice.CloseStatus);
        var late = alice.ClosedAt!.Value - (expires + Skew);
        Assert.True(late < TimeSpan.FromSeconds(1), $"closed {late.TotalMilliseconds} ms after exp plus the skew");
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task ARefreshWithFewerRoomsLeavesTheRoomsItNoLongerAllowsBeforeItsReply(string directUpgrade)
    {
        await using var gateway = await StartAsync(directUpgrade);
        var suffix = Rooms.New();
        var (kept, dropped) = ($"a-{suffix}", $"b-{suffix}");
        var first = Jwt.Create(Jwt.Claims("alice", [$"a-{suffix}*", $"b-{suffix}*"]));
        var second = Jwt.Create(Jwt.Claims("alice", [$"a-{suffix}*"]));
        await using var alice = await ChatClient.ConnectAsync(gateway.SocketWithQuery($"token={first}"));
        await using var bob = await ChatClient.ConnectAsync(gateway.SocketWithQuery("token=" + Jwt.Create(Jwt.Claims("bob"))));
        await alice.JoinAsync(kept);
        await alice.JoinAsync(dropped);
        await bob.JoinAsync(dropped);

        var skip = alice.Frames.Count;
        await alice.SendAsync(new { type = "refresh", token = second });
        await alice.WaitForAsync(f => f.Type() == "refreshed", skip);

        var after = alice.Frames.Skip(skip).ToList();
        var left = after.FindIndex(f => f.Type() == "left");
        Assert.True(left >= 0 && left < after.FindIndex(f => f.Type() == "refreshed"));
        Assert.Equal([dropped], after.Where(f => f.Type() == "left").Select(f => f.Str("room")));
        await bob.WaitForAsync(f => f.Type() == "presence" && f.Str("user") == "alice" && f.Str("event") == "leave");
        Assert.Equal("ack", (await alice.PostAsync(kept, "m-1", "still here")).Type());
        Assert.Equal("not_joined", (await alice.PostAsync(dropped, "m-2", "gone")).Str("code"));
        skip = alice.Frames.Count;
        await alice.SendAsync(new { type = "join", room = dropped });
        Assert.Equal("forbidden", (await alice.WaitForAsync(f => f.Type() == "error", skip)).Str("code"));
    }

    [Theory]
    [InlineData("true", "issuer")]
    [InlineData("false", "issuer")]
    [InlineData("true", "audience")]
    [InlineData("false", "audience")]
    public async Task ATokenForAnotherIssuerOrAudienceIsRefusedWith401(string directUpgrade, string wrong)
    {
        await using var gateway = await StartAsync(directUpgrade, new()
        {
            ["Chat:Gateway:JwtIssuer"] = "https://issuer.test",
            ["Chat:Gateway:JwtAudience"] = "orleanschat",
        });
        var right = Jwt.Create(Jwt.Claims("alice"), issuer: "https://issuer.test", audience: "orleanschat");
        var other = wrong == "issuer"
            ? Jwt.Create(Jwt.Claims("mallory"), issuer: "https://elsewhere.test", audience: "orleanschat")
            : Jwt.Create(Jwt.Claims("mallory"), issuer: "https://issuer.test", audience: "another-app");

        await using var alice = await ChatClient.ConnectAsync(gateway.SocketWithQuery($"token={right}"));
        var (status, challenge) = await UpgradeRequest.SendAsync(gateway.SocketWithQuery($"token={other}"));

        Assert.Equal("alice", alice.Frames[0].Str("user"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Bearer", challenge);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task ATokenWhoseRoomsClaimIsNotAListOfRoomsIsRefusedWith401(string directUpgrade)
    {
        await using var gateway = await StartAsync(directUpgrade);

        var (notAList, _) = await UpgradeRequest.SendAsync(gateway.SocketWithQuery("token=" + Jwt.Create(new() { ["name"] = "alice", ["rooms"] = "lobby" })));
        var (badName, _) = await UpgradeRequest.SendAsync(gateway.SocketWithQuery("token=" + Jwt.Create(Jwt.Claims("alice", ["no spaces allowed"]))));

        Assert.Equal(HttpStatusCode.Unauthorized, notAList);
        Assert.Equal(HttpStatusCode.Unauthorized, badName);
    }

    private Task<GatewayHost> StartAsync(string directUpgrade, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Chat:Gateway:JwtSigningKey"] = Jwt.SigningKey,
            ["Chat:Gateway:JwtClockSkew"] = "00:00:01",
            ["Chat:Gateway:DirectUpgrade"] = directUpgrade,
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return GatewayHost.StartAsync(cluster.Cluster, settings);
    }
}
