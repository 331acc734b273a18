using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;
using OrleansChat.Gateway.Hub;
using OrleansChat.Gateway.Metrics;
using OrleansChat.Gateway.Transport;

namespace OrleansChat.Tests.Unit.Hub;

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
        await channel.OnNextAsync(Batch(Posted(11)));
        await channel.OnNextAsync(Batch(Posted(12)));
        await channel.OnNextAsync(Batch(Posted(13)));

        Assert.Equal([11L, 12L, 13L], alice.MessageSeqs);
        Assert.Equal([13L], bob.MessageSeqs);
    }

    [Fact]
    public async Task EventsArrivingWhileAMemberReadsItsHistoryAreHeldAndNotRepeated()
    {
        var channel = NewChannel();
        var alice = new RecordingMember("alice");
        channel.BeginJoin(alice);
        await channel.OnNextAsync(Batch(Posted(5)));
        await channel.OnNextAsync(Batch(Posted(6)));

        channel.CompleteJoin(alice, Joined, historySeq: 5);

        Assert.Equal("joined", alice.Frames[0].GetProperty("type").GetString());
        Assert.Equal([6L], alice.MessageSeqs);
    }

    [Fact]
    public async Task EachMemberGetsABatchsMessagesBackToBackAndEventsBetweenThemInPlace()
    {
        var channel = NewChannel();
        var order = new List<(string User, string Frame)>();
        var alice = new RecordingMember("alice", order);
        var bob = new RecordingMember("bob", order);
        foreach (var member in new[] { alice, bob })
        {
            channel.BeginJoin(member);
            channel.CompleteJoin(member, Joined, historySeq: 0);
        }

        order.Clear();
        await channel.OnNextAsync(Batch(Posted(1), Posted(2), new PresenceChanged(Room, "carol", Joined: true), Posted(3)));

        Assert.Equal(
            [("alice", "message 1"), ("alice", "message 2"), ("bob", "message 1"), ("bob", "message 2"),
             ("alice", "presence carol"), ("bob", "presence carol"), ("alice", "message 3"), ("bob", "message 3")],
            order);
    }

    [Fact]
    public async Task AGapInsideABatchIsFilledFromHistoryBeforeTheMessagesAfterIt()
    {
        // The history has everything published: a message is stored before it is published.
        var history = new HistoryRoomGrain(Posted(1).Message, Posted(2).Message, Posted(3).Message, Posted(4).Message);
        var channel = NewChannel(history);
        var alice = new RecordingMember("alice");
        channel.BeginJoin(alice);
        channel.CompleteJoin(alice, Joined, historySeq: 0);

        await channel.OnNextAsync(Batch(Posted(1), Posted(2), Posted(4)));

        Assert.Equal([1L, 2L, 3L, 4L], alice.MessageSeqs);
        Assert.Equal([(2L, 2)], history.Reads);
    }

    [Fact]
    public async Task AGapBeingFilledHoldsUpNeitherTheStreamNorLaterMessagesOrder()
    {
        // The history read hangs until released: a slow silo, say.
        var history = new HistoryRoomGrain([.. Enumerable.Range(1, 5).Select(seq => Posted(seq).Message)]);
        var (channel, alice) = await AliceHasSeqOneAsync(history);
        var release = history.HoldFirstRead();

        // Seq 2 went missing. The stream's calls return at once (the client delivers to every room of the
        // gateway one call at a time, so waiting here would stall them all), and nothing skips ahead.
        Assert.True(channel.OnNextAsync(Batch(Posted(3))).IsCompletedSuccessfully);
        Assert.True(channel.OnNextAsync(Batch(Posted(4), Posted(5))).IsCompletedSuccessfully);
        Assert.Equal([1L], alice.MessageSeqs);

        // Once history answers, the gap and everything seen live meanwhile arrive in order, once each.
        release();
        await channel.OnNextAsync(Batch(Posted(6)));
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], alice.MessageSeqs);
        Assert.Equal([(1L, 2), (3L, 2)], history.Reads);
    }

    [Fact]
    public async Task ACatchUpAfterAReconnectDeliversWhatWasStoredMeanwhileBeforeALiveEventThatOvertakesIt()
    {
        // Seqs 2 and 3 were stored while the gateway was cut off; 4 arrives live while the catch-up reads history.
        var history = new HistoryRoomGrain([.. Enumerable.Range(1, 4).Select(seq => Posted(seq).Message)]);
        var (channel, alice) = await AliceHasSeqOneAsync(history);
        var release = history.HoldFirstRead();

        var catchUp = channel.CatchUpAsync();
        Assert.True(channel.OnNextAsync(Batch(Posted(4))).IsCompletedSuccessfully);
        Assert.False(catchUp.IsCompleted);
        Assert.Equal([1L], alice.MessageSeqs);

        release();
        await catchUp.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1L, 2L, 3L, 4L], alice.MessageSeqs);
        Assert.Equal([(1L, 1), (2L, 2)], history.Reads);
    }

    [Fact]
    public async Task ACatchUpAskedForAsAnotherStartsWaitsForThatFillToEnd()
    {
        // Seqs 2 and 3 were stored while the gateway was cut off. A second catch-up (the cluster came
        // back again) is asked for just as the first one's history read goes out.
        var history = new HistoryRoomGrain([.. Enumerable.Range(1, 3).Select(seq => Posted(seq).Message)]);
        var (channel, alice) = await AliceHasSeqOneAsync(history);
        var release = history.HoldFirstRead();
        Task? second = null;
        history.OnRead = () => second ??= channel.CatchUpAsync();

        var first = channel.CatchUpAsync();

        Assert.NotNull(second);
        Assert.False(second.IsCompleted);
        release();
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1L, 2L, 3L], alice.MessageSeqs);
    }

    /// <summary>A channel over <paramref name="history"/> whose one member, alice, has received seq 1 live.</summary>
    private async Task<(RoomChannel Channel, RecordingMember Alice)> AliceHasSeqOneAsync(HistoryRoomGrain history)
    {
        var channel = NewChannel(history);
        var alice = new RecordingMember("alice");
        channel.BeginJoin(alice);
        channel.CompleteJoin(alice, Joined, historySeq: 0);
        await channel.OnNextAsync(Batch(Posted(1)));
        return (channel, alice);
    }

    private static IList<SequentialItem<RoomEvent>> Batch(params RoomEvent[] events) =>
        [.. events.Select((e, i) => new SequentialItem<RoomEvent>(e, new EventSequenceTokenV2(i)))];

    private RoomChannel NewChannel(IChatRoomGrain? grain = null) =>
        new(Room, grain ?? new UnusedRoomGrain(), NullLogger.Instance, new ChatMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), TimeProvider.System, new ConnectionRegistry()));

    /// <summary>A room grain whose history holds the given messages; records each read.</summary>
    private sealed class HistoryRoomGrain(params ChatMessage[] stored) : UnusedRoomGrain
    {
        private TaskCompletionSource? _held;

        public List<(long Since, int Limit)> Reads { get; } = [];

        /// <summary>Runs as each read starts, before it answers.</summary>
        public Action? OnRead { get; set; }

        /// <summary>Makes the next read wait until the returned action is called.</summary>
        public Action HoldFirstRead()
        {
            var held = new TaskCompletionSource();
            _held = held;
            return held.SetResult;
        }

        public override async Task<HistoryPage> GetHistoryAsync(long since, int limit)
        {
            Reads.Add((since, limit));
            OnRead?.Invoke();
            if (_held is { } held)
            {
                _held = null;
                await held.Task;
            }

            return new HistoryPage("epoch", stored[^1].Seq, 1, [.. stored.Where(m => m.Seq > since).Take(limit)]);
        }
    }

    private static MessagePosted Posted(long seq) =>
        new(Room, new ChatMessage(seq, $"m-{seq}", "carol", $"text {seq}", DateTimeOffset.UnixEpoch));
}
