using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansChat.Bench.Measure;

namespace OrleansChat.Bench.Tests.Measure;

public sealed class SendLogTests
{
    [Fact]
    public void NumbersAreHandedOutInOrderFromTheBaseUntilTheLogIsFull()
    {
        var log = new SendLog(3);

        Assert.True(log.TryAllocate(sender: 7, room: 2, out var first));
        Assert.True(log.TryAllocate(sender: 8, room: 0, out var second));
        Assert.True(log.TryAllocate(sender: 9, room: 1, out var third));
        Assert.False(log.TryAllocate(sender: 7, room: 2, out var refused));

        Assert.Equal([log.Base, log.Base + 1, log.Base + 2], [first, second, third]);
        Assert.Equal(-1, refused);
        Assert.Equal(3, log.Count);
        Assert.Equal((7, 2), (log.Sender(0), log.Room(0)));
        Assert.Equal((9, 1), (log.Sender(log.Offset(third)), log.Room(log.Offset(third))));
    }

    [Fact]
    public void TwoLogsNeverShareAMessageNumber()
    {
        // A late frame of an earlier phase must not be taken for one of this phase.
        var earlier = new SendLog(10);
        var later = new SendLog(10);

        Assert.True(later.Base >= earlier.Base + earlier.Capacity);
        Assert.False(later.Contains(earlier.Base + earlier.Capacity - 1));
        Assert.False(earlier.Contains(later.Base));
        Assert.True(later.Contains(later.Base));
        Assert.True(later.Contains(later.Base + 9));
        Assert.False(later.Contains(later.Base + 10));
        Assert.False(later.Contains(later.Base - 1));
        Assert.False(later.Contains(-1));
    }

    [Fact]
    public void SendingSetsTheSentFlagAndTheSendTime()
    {
        var log = new SendLog(2);
        log.TryAllocate(0, 0, out var index);

        log.MarkSending(index, 12345);

        Assert.Equal(SendLog.Sent, log.Flags(0));
        Assert.Equal(12345, log.SendTicks(0));
        Assert.Equal(0, log.Flags(1));
    }

    [Fact]
    public void MarkReportsTheFlagsBeforeAndAfterSoThatATransitionIsSeenOnce()
    {
        var log = new SendLog(1);
        log.TryAllocate(0, 0, out var index);
        log.MarkSending(index, 1);

        Assert.Equal((SendLog.Sent, SendLog.Sent | SendLog.Acked), log.Mark(index, SendLog.Acked));
        Assert.Equal((SendLog.Sent | SendLog.Acked, SendLog.Sent | SendLog.Acked), log.Mark(index, SendLog.Acked));
        Assert.Equal(
            (SendLog.Sent | SendLog.Acked, SendLog.Sent | SendLog.Acked | SendLog.DeliveredToAll),
            log.Mark(index, SendLog.DeliveredToAll));
    }

    [Fact]
    public void AnAckAnsweredTwiceAtOnceIsCountedByExactlyOneThread()
    {
        var log = new SendLog(1);
        log.TryAllocate(0, 0, out var index);
        var firsts = 0;

        Parallel.For(0, 64, _ =>
        {
            if ((log.Mark(index, SendLog.Acked).Before & SendLog.Acked) == 0)
            {
                Interlocked.Increment(ref firsts);
            }
        });

        Assert.Equal(1, firsts);
    }

    [Fact]
    public void AnAckKeepsItsSeqAndTime()
    {
        var log = new SendLog(2);
        log.TryAllocate(0, 0, out _);
        log.TryAllocate(0, 0, out var second);

        log.RecordAck(second, seq: 42, timestamp: 999);

        Assert.Equal(42, log.Seq(1));
        Assert.Equal(999, log.AckTicks(1));
        Assert.Equal(0, log.Seq(0));
    }

    [Fact]
    public void DeliveriesAreCountedPerMessage()
    {
        var log = new SendLog(2);

        Assert.Equal(1, log.AddDelivery(0));
        Assert.Equal(2, log.AddDelivery(0));
        Assert.Equal(1, log.AddDelivery(1));
    }

    [Fact]
    public void SendersRacingForNumbersGetEachNumberOnceAndNoMoreThanTheCapacity()
    {
        var log = new SendLog(1000);
        var numbers = new ConcurrentBag<long>();

        Parallel.For(0, 1500, i =>
        {
            if (log.TryAllocate(i, 0, out var index))
            {
                numbers.Add(index);
            }
        });

        Assert.Equal(1000, numbers.Count);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => log.Base + i), numbers.Order());
        Assert.Equal(1000, log.Count);
    }

    [Fact]
    public void TicksBecomeMillisecondsByTheStopwatchFrequency()
    {
        Assert.Equal(1000.0, SendLog.TicksToMs(Stopwatch.Frequency), precision: 9);
        Assert.Equal(2.5, SendLog.TicksToMs(Stopwatch.Frequency / 400), precision: 6);
    }
}
