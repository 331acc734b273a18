using System.Diagnostics;

namespace OrleansChat.Bench.Measure;

/// <summary>
/// Every message a run sends, by number: who sent it to which room, when, the seq its ack
/// carried, and how far it got. Message numbers are unique in the process (each run takes a
/// fresh block), so a late frame from an earlier phase is recognised and ignored.
/// </summary>
internal sealed class SendLog
{
    public const int Sent = 1;
    public const int Acked = 2;
    /// <summary>Every receiver of the room has it (counted only in window mode).</summary>
    public const int DeliveredToAll = 4;
    public const int Failed = 8;

    /// <summary>Given up on by a windowed sender after a long wait; its slot was reused.</summary>
    public const int Abandoned = 16;

    private static long _nextBase = 1;

    private readonly long[] _sendTicks;
    private readonly long[] _ackTicks;
    private readonly long[] _seq;
    private readonly int[] _flags;
    private readonly int[] _sender;
    private readonly int[] _room;
    private readonly int[] _deliveries;
    private int _count;

    public SendLog(int capacity)
    {
        Capacity = capacity;
        Base = Interlocked.Add(ref _nextBase, capacity) - capacity;
        _sendTicks = new long[capacity];
        _ackTicks = new long[capacity];
        _seq = new long[capacity];
        _flags = new int[capacity];
        _sender = new int[capacity];
        _room = new int[capacity];
        _deliveries = new int[capacity];
    }

    public long Base { get; }

    public int Capacity { get; }

    /// <summary>How many numbers were handed out (at most <see cref="Capacity"/>).</summary>
    public int Count => Math.Min(Volatile.Read(ref _count), Capacity);

    public bool TryAllocate(int sender, int room, out long index)
    {
        var offset = Interlocked.Increment(ref _count) - 1;
        if (offset >= Capacity)
        {
            index = -1;
            return false;
        }

        _sender[offset] = sender;
        _room[offset] = room;
        index = Base + offset;
        return true;
    }

    public bool Contains(long index) => index >= Base && index < Base + Capacity;

    public int Offset(long index) => (int)(index - Base);

    public void MarkSending(long index, long timestamp)
    {
        var offset = Offset(index);
        Volatile.Write(ref _sendTicks[offset], timestamp);
        Interlocked.Or(ref _flags[offset], Sent);
    }

    /// <summary>Sets <paramref name="flag"/>; returns the flags before and after.</summary>
    public (int Before, int After) Mark(long index, int flag)
    {
        var before = Interlocked.Or(ref _flags[Offset(index)], flag);
        return (before, before | flag);
    }

    public void RecordAck(long index, long seq, long timestamp)
    {
        var offset = Offset(index);
        _seq[offset] = seq;
        _ackTicks[offset] = timestamp;
    }

    /// <summary>Counts one more receiver that has the message; returns the new count.</summary>
    public int AddDelivery(int offset) => Interlocked.Increment(ref _deliveries[offset]);

    public long SendTicks(int offset) => Volatile.Read(ref _sendTicks[offset]);

    public long AckTicks(int offset) => _ackTicks[offset];

    public long Seq(int offset) => _seq[offset];

    public int Flags(int offset) => Volatile.Read(ref _flags[offset]);

    public int Sender(int offset) => _sender[offset];

    public int Room(int offset) => _room[offset];

    public static double TicksToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
