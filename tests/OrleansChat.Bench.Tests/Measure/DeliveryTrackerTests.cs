using OrleansChat.Bench.Client;
using OrleansChat.Bench.Measure;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Tests.Measure;

/// <summary>
/// One receiver's bookkeeping. The room's seqs continue from 100 (what the joins reported), and
/// two sender sockets, numbered 3 and 4, post into it; message <c>k</c> of the phase has log offset
/// <c>k</c>. Each test feeds a delivery order whose faults are known and checks every count.
/// </summary>
public sealed class DeliveryTrackerTests
{
    private const long BaseSeq = 100;
    private const int FirstSender = 3;
    private const int Capacity = 64;

    [Fact]
    public async Task ACleanStreamCountsNothingAmiss()
    {
        var tracker = NewTracker();
        for (var offset = 0; offset < 10; offset++)
        {
            tracker.Record(offset, FirstSender + (offset % 2), BaseSeq + 1 + offset);
        }

        var report = await ReportAsync(tracker, Enumerable.Range(0, 10), BaseSeq + 10);

        Assert.Equal(new ReceiverReport("r", 10, 0, 0, 0, 0, 0, 0, false, null), report);
        Assert.Equal(BaseSeq + 10, tracker.LastSeq);
        Assert.Equal(0, tracker.DuplicatesBySeq);
        Assert.Equal(0, tracker.Unplaced);
    }

    [Fact]
    public async Task AMessageMissingInTheMiddleIsLostByIdAndBySeqAndLeavesOneGap()
    {
        var tracker = NewTracker();
        foreach (var offset in new[] { 0, 1, 2, 3, 5, 6, 7, 8, 9 })
        {
            tracker.Record(offset, FirstSender, BaseSeq + 1 + offset);
        }

        var report = await ReportAsync(tracker, Enumerable.Range(0, 10), BaseSeq + 10);

        Assert.False(tracker.HasIndex(4));
        Assert.Equal(new ReceiverReport("r", 9, LostById: 1, LostBySeq: 1, 0, 0, 0, GapsBySeq: 1, false, null), report);
    }

    [Fact]
    public async Task AMessageMissingAtTheEndIsLostAgainstTheHighestAckedSeqThoughNoGapShowed()
    {
        // Nothing arrives after seq 109 to reveal the hole: only the acks say seq 110 existed.
        var tracker = NewTracker();
        for (var offset = 0; offset < 9; offset++)
        {
            tracker.Record(offset, FirstSender, BaseSeq + 1 + offset);
        }

        var report = await ReportAsync(tracker, Enumerable.Range(0, 10), BaseSeq + 10);

        Assert.Equal(1, report.LostById);
        Assert.Equal(1, report.LostBySeq);
        Assert.Equal(0, report.GapsBySeq);
        Assert.Equal(2, tracker.MissingSeqs(BaseSeq + 11));
    }

    [Fact]
    public async Task TwoSwappedMessagesOfOneSenderAreOutOfOrderByIdAndBySeqButNotLost()
    {
        var tracker = TrackerAfter((0, 101), (1, 102), (3, 104), (2, 103), (4, 105));

        var report = await ReportAsync(tracker, Enumerable.Range(0, 5), BaseSeq + 5);

        // 102 -> 104 is a jump (one gap), 103 after 104 is out of order; nothing is missing at the end.
        Assert.Equal(new ReceiverReport("r", 5, 0, 0, OutOfOrderBySeq: 1, OutOfOrderById: 1, 0, GapsBySeq: 1, false, null), report);
        Assert.Equal(BaseSeq + 5, tracker.LastSeq);
    }

    [Fact]
    public void TwoSendersWhosePostsTheServerOrderedEitherWayAreNotOutOfOrderById()
    {
        // Offset 1 (sender 4) got the lower seq than offset 0 (sender 3): a legal order, the sockets race.
        var tracker = NewTracker();
        tracker.Record(1, FirstSender + 1, 101);
        tracker.Record(0, FirstSender, 102);
        tracker.Record(2, FirstSender, 103);
        Assert.Equal(0, tracker.OutOfOrderById);
        Assert.Equal(0, tracker.OutOfOrderBySeq);

        // Sender 3's own later message arriving before its earlier one is out of order.
        tracker.Record(4, FirstSender, 104);
        tracker.Record(3, FirstSender, 105);
        Assert.Equal(1, tracker.OutOfOrderById);
        Assert.Equal(0, tracker.OutOfOrderBySeq);
    }

    [Fact]
    public async Task AMessageDeliveredTwiceIsOneDuplicateAndCountsAsOutOfOrderBySeq()
    {
        var tracker = TrackerAfter((0, 101), (1, 102), (2, 103), (2, 103), (3, 104));

        var report = await ReportAsync(tracker, Enumerable.Range(0, 4), BaseSeq + 4);

        // The class documents OutOfOrderBySeq as "not above the last seq seen (duplicates included)";
        // a repeat of the same message is not a later message arriving early, so not out of order by id.
        Assert.Equal(new ReceiverReport("r", 5, 0, 0, OutOfOrderBySeq: 1, OutOfOrderById: 0, DuplicatesById: 1, 0, false, null), report);
        Assert.Equal(1, tracker.DuplicatesBySeq);
    }

    [Fact]
    public void ARepeatDoesNotCountTowardsTheMessagesStillOnTheirWay()
    {
        // Three messages acked; the receiver has the first twice and the second, the third is late.
        // The drain waits while a receiver has fewer different messages than were acked: counting
        // frames (three) would end it before the third arrives, and report it lost.
        var tracker = TrackerAfter((0, 101), (0, 101), (1, 102));

        Assert.Equal(3, tracker.Received);
        Assert.Equal(2, tracker.Distinct);

        tracker.Record(2, FirstSender, 103);

        Assert.Equal(3, tracker.Distinct);
    }

    [Fact]
    public async Task OnlyAckedMessagesCanBeLost()
    {
        // Offset 5 was refused by the server (an error, no seq): it was never stored, so its absence is
        // no loss. The seqs stay contiguous because the server gave offset 6 the next one.
        var tracker = NewTracker();
        var seq = BaseSeq;
        foreach (var offset in new[] { 0, 1, 2, 3, 4, 6, 7 })
        {
            tracker.Record(offset, FirstSender, ++seq);
        }

        var report = await ReportAsync(tracker, [0, 1, 2, 3, 4, 6, 7], seq);

        Assert.Equal(0, report.LostById);
        Assert.Equal(0, report.LostBySeq);
        Assert.Equal(0, report.GapsBySeq);
    }

    [Fact]
    public void SeqsFromBeforeThePhaseOrBeyondItsCapacityAreUnplacedAndLeaveTheOrderAlone()
    {
        var tracker = NewTracker();
        tracker.Record(0, FirstSender, 101);
        tracker.Record(1, FirstSender, BaseSeq);
        tracker.Record(2, FirstSender, BaseSeq + Capacity + 1);
        tracker.Record(3, FirstSender, 102);

        Assert.Equal(2, tracker.Unplaced);
        Assert.Equal(4, tracker.Received);
        Assert.Equal(0, tracker.OutOfOrderBySeq);
        Assert.Equal(0, tracker.GapsBySeq);
        Assert.Equal(102, tracker.LastSeq);
    }

    private static DeliveryTracker NewTracker() => new("r", room: 0, Capacity, BaseSeq, FirstSender, senders: 2);

    /// <summary>A tracker that has received these (log offset, seq) deliveries, in this order, all from the first sender.</summary>
    private static DeliveryTracker TrackerAfter(params (int Offset, long Seq)[] deliveries)
    {
        var tracker = NewTracker();
        foreach (var (offset, seq) in deliveries)
        {
            tracker.Record(offset, FirstSender, seq);
        }

        return tracker;
    }

    private static async Task<ReceiverReport> ReportAsync(DeliveryTracker tracker, IEnumerable<int> ackedOffsets, long ackedSeq)
    {
        // A client that never connected: not dropped, no close status.
        await using var client = new ChatClient(0, "r");
        return tracker.Report(client, [.. ackedOffsets], ackedSeq);
    }
}
