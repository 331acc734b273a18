using System.Text;
using System.Text.Json;

namespace OrleansChat.Protocol.Tests;

public sealed class ServerFramesTests
{
    private static readonly DateTimeOffset Stored = new(2026, 11, 26, 12, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void AFrameKeepsItsBytesWhenTheNextFrameIsWritten()
    {
        var first = ServerFrames.Ack("lobby", "m1", 1);
        var copy = first.ToArray();

        ServerFrames.Ack("other-room", "m2-with-a-longer-id", 123456);

        Assert.Equal(copy, first);
        Assert.Equal("""{"type":"ack","room":"lobby","id":"m1","seq":1}""", Encoding.UTF8.GetString(first));
    }

    [Fact]
    public void FramesAfterALargeFrameHoldOnlyTheirOwnJson()
    {
        // A joined frame far past what a writer keeps between frames, then small ones on the same thread.
        var history = Enumerable.Range(1, 1000).Select(i => new StoredMessage(i, $"m{i}", "alice", new string('x', 300), Stored)).ToList();
        var joined = ServerFrames.Joined("lobby", "e1", 1000, history, recovered: false, ["alice"]);
        Assert.Equal(1000, JsonDocument.Parse(joined).RootElement.GetProperty("history").GetArrayLength());

        var message = ServerFrames.Message("lobby", new StoredMessage(7, "m7", "bob", "hé \"quoted\" <b>", Stored));
        Assert.Equal(
            """{"type":"message","room":"lobby","seq":7,"id":"m7","user":"bob","text":"hé \"quoted\" <b>","ts":"2026-11-26T12:00:00.123Z"}""",
            Encoding.UTF8.GetString(message));
        Assert.Equal("""{"type":"left","room":"lobby"}""", Encoding.UTF8.GetString(ServerFrames.Left("lobby")));
    }

    [Fact]
    public async Task FramesWrittenOnManyThreadsAtOnceAreEachComplete()
    {
        var frames = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
            Enumerable.Range(0, 200).Select(k => (i, k, Frame: ServerFrames.Ack($"room{i}", $"m{k}", k))).ToList())));

        foreach (var (i, k, frame) in frames.SelectMany(f => f))
        {
            Assert.Equal($$"""{"type":"ack","room":"room{{i}}","id":"m{{k}}","seq":{{k}}}""", Encoding.UTF8.GetString(frame));
        }
    }

    [Fact]
    public void AMessageWrittenFromItsFieldsIsTheSameBytesAsFromTheMessage()
    {
        var message = new StoredMessage(9, "m9", "carol", "emoji 😀 and \u0001", Stored);

        Assert.Equal(
            ServerFrames.Message("lobby", message),
            ServerFrames.Message("lobby", message.Seq, message.Id, message.User, message.Text, message.Timestamp));
    }

    [Fact]
    public void AJoinedWithAnEncodedHistoryIsTheSameBytesAsOneWrittenFromTheMessages()
    {
        var history = Enumerable.Range(1, 3).Select(i => new StoredMessage(i, $"m{i}", "alice", $"text {i}", Stored)).ToList();

        Assert.Equal(
            ServerFrames.Joined("lobby", "e1", 3, history, recovered: true, ["alice", "bob"]),
            ServerFrames.Joined("lobby", "e1", 3, history.Select(m => ServerFrames.Message("lobby", m)), recovered: true, ["alice", "bob"]));
    }

    [Fact]
    public void AnErrorCarriesTheIdAndRoomOnlyWhereTheRequestHadThem()
    {
        Assert.Equal(
            """{"type":"error","code":"bad_request","message":"no type","id":"m1","room":"lobby"}""",
            Encoding.UTF8.GetString(ServerFrames.Error(new ProtocolError(ErrorCodes.BadRequest, "no type", "m1", "lobby"))));
        Assert.Equal(
            """{"type":"error","code":"bad_room","message":"bad"}""",
            Encoding.UTF8.GetString(ServerFrames.Error(new ProtocolError(ErrorCodes.BadRoom, "bad"))));
    }

    [Fact]
    public void ATimestampIsWrittenInUtcWithMilliseconds()
    {
        var local = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 6, TimeSpan.FromHours(2));

        var frame = JsonDocument.Parse(ServerFrames.Message("r", 1, "m1", "u", "t", local)).RootElement;

        Assert.Equal("2026-01-02T01:04:05.006Z", frame.GetProperty("ts").GetString());
    }
}
