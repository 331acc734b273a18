using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansChat.Gateway.Hub;
using OrleansChat.Gateway.Metrics;
using OrleansChat.Gateway.Transport;

namespace OrleansChat.Tests.Hub;

public sealed class RoomChannelTests : IDisposable
{
    private const string Room = "lobby";
    private static readonly byte[] Joined = """{"type":"joined"}"""u8.ToArray();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task AJoinWhoseHistoryIsAheadOfTheStreamDoesNotMakeEarlierMembersMissMessages()
    {
        var channel = NewChannel();
        var alice = new RecordingMember("alice");
        channel.BeginJoin(alice);
        channel.CompleteJoin(alice, Joined, historySeq: 10);

        // Messages 11 and 12 are stored, and bob's history already has them, before their stream events arrive.
        var bob = new RecordingMember("bob");
        channel.BeginJoin(bob);
        channel.CompleteJoin(bob, Joined, historySeq: 12);
        await channel.OnNextAsync(Posted(11));
        await channel.OnNextAsync(Posted(12));
        await channel.OnNextAsync(Posted(13));

        Assert.Equal([11L, 12L, 13L], alice.MessageSeqs);
        Assert.Equal([13L], bob.MessageSeqs);
    }

    [Fact]
    public async Task EventsArrivingWhileAMemberReadsItsHistoryAreHeldAndNotRepeated()
    {
        var channel = NewChannel();
        var alice = new RecordingMember("alice");
        channel.BeginJoin(alice);
        await channel.OnNextAsync(Posted(5));
        await channel.OnNextAsync(Posted(6));

        channel.CompleteJoin(alice, Joined, historySeq: 5);

        Assert.Equal("joined", alice.Frames[0].GetProperty("type").GetString());
        Assert.Equal([6L], alice.MessageSeqs);
    }

    private RoomChannel NewChannel() =>
        new(Room, new UnusedRoomGrain(), NullLogger.Instance, new ChatMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), TimeProvider.System, new ConnectionRegistry()));

    private static MessagePosted Posted(long seq) =>
        new(Room, new ChatMessage(seq, $"m-{seq}", "carol", $"text {seq}", DateTimeOffset.UnixEpoch));
}
