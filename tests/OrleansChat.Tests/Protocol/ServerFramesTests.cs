using System.Text;
using System.Text.Json;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Tests.Protocol;

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
        var history = Enumerable.Range(1, 1000).Select(i => new ChatMessage(i, $"m{i}", "alice", new string('x', 300), Stored)).ToList();
        var joined = ServerFrames.Joined("lobby", new HistoryPage("e1", 1000, 1, history), recovered: false, ["alice"]);
        Assert.Equal(1000, JsonDocument.Parse(joined).RootElement.GetProperty("history").GetArrayLength());

        var message = ServerFrames.Message("lobby", new ChatMessage(7, "m7", "bob", "hé \"quoted\" <b>", Stored));
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
}
