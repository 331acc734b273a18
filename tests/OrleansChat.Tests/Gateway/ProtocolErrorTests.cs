using System.Text;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Gateway;

/// <summary>Bad frames get clear errors and lose nothing, on each socket path.</summary>
public abstract class ProtocolErrorTests(ClusterFixture cluster, SocketPath path) : IAsyncLifetime
{
    private GatewayHost _gateway = null!;
    private ChatClient _alice = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync(cluster.Cluster, path: path);
        _alice = await ChatClient.ConnectAsync(_gateway, "alice");
    }

    public async Task DisposeAsync()
    {
        await _alice.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task ARefreshOnAGatewayWithoutTokensIsBadTokenAndTheConnectionStaysOpen()
    {
        await _alice.SendAsync(new { type = "refresh", token = Jwt.Create(Jwt.Claims("alice")) });

        var error = await _alice.WaitForAsync(f => f.Type() == "error");
        Assert.Equal("bad_token", error.Str("code"));
        await AssertStillOpenAsync();
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"room\":\"lobby\"}")]
    [InlineData("{\"type\":42}")]
    [InlineData("{\"type\":\"shout\",\"room\":\"lobby\"}")]
    [InlineData("{\"type\":\"join\"}")]
    [InlineData("{\"type\":\"refresh\"}")]
    [InlineData("{\"type\":\"refresh\",\"token\":42}")]
    [InlineData("{\"type\":\"join\",\"room\":\"lobby\",\"since\":-1}")]
    [InlineData("{\"type\":\"join\",\"room\":\"lobby\",\"since\":\"ten\"}")]
    [InlineData("{\"type\":\"send\",\"room\":\"lobby\",\"text\":\"no id\"}")]
    [InlineData("{\"type\":\"send\",\"room\":\"lobby\",\"id\":\"m-1\"}")]
    [InlineData("{\"type\":\"send\",\"room\":\"lobby\",\"id\":\"\",\"text\":\"empty id\"}")]
    [InlineData("{\"type\":\"send\",\"room\":\"lobby\",\"id\":\"m-1\",\"text\":\"a lone \\ud83d surrogate\"}")]
    [InlineData("{\"type\":\"send\",\"room\":\"lobby\",\"id\":\"\\ude00\",\"text\":\"a lone surrogate in the id\"}")]
    public async Task MalformedFramesGetBadRequestAndTheConnectionStaysOpen(string frame)
    {
        await _alice.SendRawAsync(frame);
        var error = await _alice.WaitForAsync(f => f.Type() == "error");
        Assert.Equal("bad_request", error.Str("code"));
        Assert.False(string.IsNullOrEmpty(error.Str("message")));
        await AssertStillOpenAsync();
    }

    [Theory]
    [InlineData("-starts-with-dash")]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("a-room-name-that-is-longer-than-sixty-four-characters-which-the-contract-forbids")]
    public async Task InvalidRoomNamesGetBadRoom(string room)
    {
        await _alice.SendAsync(new { type = "join", room });
        var error = await _alice.WaitForAsync(f => f.Type() == "error");
        Assert.Equal("bad_room", error.Str("code"));
        Assert.Equal(room, error.Str("room"));
        await AssertStillOpenAsync();
    }

    [Fact]
    public async Task SendingToARoomNotJoinedGetsNotJoinedWithTheIdAndRoom()
    {
        var error = await _alice.PostAsync("elsewhere", "m-7", "hello?");
        Assert.Equal("not_joined", error.Str("code"));
        Assert.Equal("m-7", error.Str("id"));
        Assert.Equal("elsewhere", error.Str("room"));

        await _alice.SendAsync(new { type = "typing", room = "elsewhere" });
        var typingError = await _alice.WaitForAsync(f => f.Type() == "error" && f.Str("id") is null);
        Assert.Equal("not_joined", typingError.Str("code"));
    }

    [Fact]
    public async Task TextOverTheLimitGetsTooLongAndBlankTextBadRequestAndNothingIsStored()
    {
        var room = Rooms.New();
        await _alice.JoinAsync(room);

        var tooLong = await _alice.PostAsync(room, "m-1", new string('x', 4001));
        var blank = await _alice.PostAsync(room, "m-2", " \n\t ");
        var atLimit = await _alice.PostAsync(room, "m-3", new string('y', 4000));

        Assert.Equal("too_long", tooLong.Str("code"));
        Assert.Equal("bad_request", blank.Str("code"));
        Assert.Equal("ack", atLimit.Type());
        Assert.Equal(1, atLimit.Num("seq"));
    }

    [Fact]
    public async Task TheTextLimitCountsCharactersSo4000EmojiAreStoredAndEchoedExactlyAnd4001AreTooLong()
    {
        var room = Rooms.New();
        await _alice.JoinAsync(room);
        var atLimit = Texts.Repeat(Texts.Emoji, 4000);

        // Written as a browser's JSON.stringify writes it, emoji unescaped (four UTF-8 bytes each), so the frame
        // stays under the 16 KiB frame limit; System.Text.Json would escape each as two \uXXXX (twelve bytes).
        var frame = $$"""{"type":"send","room":"{{room}}","id":"m-1","text":"{{atLimit}}"}""";
        Assert.InRange(Encoding.UTF8.GetByteCount(frame), 16_000, 16 * 1024);
        await _alice.SendRawAsync(frame);
        var ack = await _alice.WaitForAsync(f => f.Type() is "ack" or "error" && f.Str("id") == "m-1");
        var message = await _alice.WaitForAsync(f => f.IsMessageIn(room));
        await _alice.SendRawAsync($$"""{"type":"send","room":"{{room}}","id":"m-2","text":"{{atLimit + Texts.Emoji}}"}""");
        var tooLong = await _alice.WaitForAsync(f => f.Type() is "ack" or "error" && f.Str("id") == "m-2");

        Assert.Equal(("ack", 1L), (ack.Type(), ack.Num("seq")));
        Assert.Equal(atLimit, message.Str("text"));
        Assert.Equal("too_long", tooLong.Str("code"));
        Assert.Equal(atLimit, Assert.Single((await cluster.Client.GetGrain<IChatRoomGrain>(room).GetHistoryAsync(0, 10)).Messages).Text);
    }

    [Fact]
    public async Task TextComesBackExactlyAsSent()
    {
        var room = Rooms.New();
        await _alice.JoinAsync(room);
        const string text = "  <b>bold</b> & \"quotes\" 'single' \n line two  ✓ 😀  ";

        await _alice.PostAsync(room, "m-1", text);

        var message = await _alice.WaitForAsync(f => f.IsMessageIn(room));
        Assert.Equal(text, message.Str("text"));
        Assert.Equal("alice", message.Str("user"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", message.Str("ts"));
    }

    private async Task AssertStillOpenAsync()
    {
        var skip = _alice.Frames.Count;
        await _alice.SendAsync(new { type = "ping" });
        await _alice.WaitForAsync(f => f.Type() == "pong", skip);
    }
}

/// <summary>Protocol errors with upgrades taken before Kestrel.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProtocolErrorTestsOnDirectSockets(ClusterFixture cluster) : ProtocolErrorTests(cluster, SocketPath.Direct);

/// <summary>Protocol errors with every socket through Kestrel's HTTP pipeline.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProtocolErrorTestsThroughKestrel(ClusterFixture cluster) : ProtocolErrorTests(cluster, SocketPath.Kestrel);
