using OrleansChat.Grains;

namespace OrleansChat.Tests.Grains;

public sealed class RoomHistoryTests
{
    private static ChatMessage Message(long seq, string user = "alice") =>
        new(seq, $"m-{seq}", user, $"text {seq}", DateTimeOffset.UnixEpoch);

    // A window of `window` after posts 1..posted.
    private static RoomHistory Posted(int window, int posted)
    {
        var history = new RoomHistory(window);
        for (var seq = 1; seq <= posted; seq++)
        {
            history.Add(Message(seq));
        }

        return history;
    }

    private static long[] Seqs(IReadOnlyList<ChatMessage> messages) => [.. messages.Select(m => m.Seq)];

    [Fact]
    public void AnEmptyWindowHasNothingAndItsOldestSeqFollowsTheLatest()
    {
        var history = new RoomHistory(5);

        Assert.Equal((0L, 1L, 0), (history.LatestSeq, history.OldestSeq, history.Count));
        Assert.Empty(history.After(0, 10));
        Assert.Empty(history.Newest(10));
        Assert.Empty(history.Before(100, 10));
    }

    [Fact]
    public void AFullWindowKeepsTheNewestInOrderAsItWrapsAroundManyTimes()
    {
        var history = new RoomHistory(5);
        for (var seq = 1; seq <= 23; seq++)
        {
            history.Add(Message(seq));
            var oldest = Math.Max(1, seq - 4);
            Assert.Equal((long)seq, history.LatestSeq);
            Assert.Equal(oldest, history.OldestSeq);
            Assert.Equal([.. Enumerable.Range(oldest, seq - oldest + 1).Select(s => (long)s)], Seqs(history.Newest(5)));
        }
    }

    [Fact]
    public void AfterReturnsTheSeqsFollowingSinceUpToTheLimitAcrossTheRingsEnd()
    {
        // Window 5 after 13 posts: seqs 9..13, with 11..13 stored before 9..10 in the ring.
        var history = Posted(5, 13);

        Assert.Equal([9, 10, 11, 12, 13], Seqs(history.After(0, 100)));
        Assert.Equal([10, 11, 12], Seqs(history.After(9, 3)));
        Assert.Equal([13], Seqs(history.After(12, 100)));
        Assert.Empty(history.After(13, 100));
        Assert.Empty(history.After(50, 100));
        Assert.Empty(history.After(9, 0));
    }

    [Fact]
    public void NewestReturnsTheLastLimitOldestFirst()
    {
        var history = Posted(5, 13);

        Assert.Equal([11, 12, 13], Seqs(history.Newest(3)));
        Assert.Equal([9, 10, 11, 12, 13], Seqs(history.Newest(50)));
        Assert.Empty(history.Newest(0));
        Assert.Empty(history.Newest(-1));
    }

    [Fact]
    public void BeforeReturnsTheNewestLimitBelowTheSeqOldestFirst()
    {
        var history = Posted(5, 13);

        Assert.Equal([10, 11, 12], Seqs(history.Before(13, 3)));
        Assert.Equal([9, 10], Seqs(history.Before(11, 50)));
        Assert.Equal([11, 12, 13], Seqs(history.Before(100, 3)));
        Assert.Empty(history.Before(9, 10));
        Assert.Empty(history.Before(2, 10));
        Assert.Empty(history.Before(13, 0));
    }

    [Fact]
    public void ThePagesBeforeEachOtherWalkTheWholeWindowWithoutRepeatOrGap()
    {
        var history = Posted(7, 30);
        var seen = new List<long>();
        for (var page = history.Newest(3); page.Count > 0; page = history.Before(page[0].Seq, 3))
        {
            seen.InsertRange(0, Seqs(page));
        }

        Assert.Equal([.. Enumerable.Range(24, 7).Select(s => (long)s)], seen);
    }

    [Fact]
    public void APostIsFoundByItsUserAndIdOnlyWhileInTheWindow()
    {
        var history = new RoomHistory(3);
        history.Add(Message(1, "alice"));
        history.Add(Message(2, "bob"));
        history.Add(Message(3, "alice"));

        Assert.True(history.TryFindSeq("alice", "m-1", out var seq));
        Assert.Equal(1, seq);
        Assert.False(history.TryFindSeq("bob", "m-1", out _));

        history.Add(Message(4, "carol"));

        Assert.False(history.TryFindSeq("alice", "m-1", out _));
        Assert.True(history.TryFindSeq("bob", "m-2", out seq));
        Assert.Equal(2, seq);
        Assert.True(history.TryFindSeq("carol", "m-4", out seq));
        Assert.Equal(4, seq);
    }

    [Fact]
    public void AWindowOfNoneKeepsOnlyTheLatestSeq()
    {
        var history = Posted(0, 3);

        Assert.Equal((3L, 4L, 0), (history.LatestSeq, history.OldestSeq, history.Count));
        Assert.Empty(history.Newest(5));
        Assert.False(history.TryFindSeq("alice", "m-3", out _));
    }
}
