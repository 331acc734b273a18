using OrleansChat.Bench.Client;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Measure;

/// <summary>
/// What one receiving socket saw in one phase: which message numbers and which seqs arrived,
/// and how often they came twice or out of order. Written only by that socket's receive loop.
/// </summary>
internal sealed class DeliveryTracker
{
    private readonly ulong[] _indices;
    private readonly ulong[] _seqs;
    private readonly long[] _lastIndexBySender;
    private readonly int _firstSender;
    private readonly long _baseSeq;
    private long _lastSeq;
    private long _distinct;

    public DeliveryTracker(string name, int room, int capacity, long baseSeq, int firstSender, int senders)
    {
        Name = name;
        Room = room;
        _baseSeq = baseSeq;
        _lastSeq = baseSeq;
        _indices = new ulong[(capacity + 63) / 64];
        _seqs = new ulong[(capacity + 63) / 64];
        _firstSender = firstSender;
        _lastIndexBySender = new long[Math.Max(senders, 1)];
    }

    public string Name { get; }

    public int Room { get; }

    public long Received { get; private set; }

    /// <summary>Different messages received (a repeat counts once); other threads may read it while the receive loop writes it.</summary>
    public long Distinct => Volatile.Read(ref _distinct);

    /// <summary>The highest seq seen; other threads may read it while the receive loop writes it.</summary>
    public long LastSeq => Volatile.Read(ref _lastSeq);

    public long DuplicatesById { get; private set; }

    public long DuplicatesBySeq { get; private set; }

    /// <summary>Messages whose seq was not above the last seq seen (duplicates included).</summary>
    public long OutOfOrderBySeq { get; private set; }

    /// <summary>Messages from one sender socket that arrived after a later message of that socket.</summary>
    public long OutOfOrderById { get; private set; }

    /// <summary>Times the seq jumped by more than one.</summary>
    public long GapsBySeq { get; private set; }

    /// <summary>Messages of this phase with a seq too old or too far ahead to place.</summary>
    public long Unplaced { get; private set; }

    /// <summary>Records the message at <paramref name="offset"/> in the phase's log.</summary>
    public void Record(int offset, int sender, long seq)
    {
        Received++;
        if (TrySet(_indices, offset))
        {
            Volatile.Write(ref _distinct, _distinct + 1);
        }
        else
        {
            DuplicatesById++;
        }

        var local = sender - _firstSender;
        if ((uint)local < (uint)_lastIndexBySender.Length)
        {
            if (offset + 1 < _lastIndexBySender[local])
            {
                OutOfOrderById++;
            }
            else
            {
                _lastIndexBySender[local] = offset + 1;
            }
        }

        var relative = seq - _baseSeq - 1;
        if (relative < 0 || relative >= (long)_seqs.Length * 64)
        {
            Unplaced++;
            return;
        }

        if (!TrySet(_seqs, (int)relative))
        {
            DuplicatesBySeq++;
        }

        if (seq <= _lastSeq)
        {
            OutOfOrderBySeq++;
            return;
        }

        if (seq > _lastSeq + 1)
        {
            GapsBySeq++;
        }

        Volatile.Write(ref _lastSeq, seq);
    }

    /// <summary>
    /// What this receiver got against what was acknowledged into its room (the log offsets acknowledged and
    /// the highest seq acknowledged): lost by id and by seq, out of order, repeated.
    /// </summary>
    public ReceiverReport Report(ChatClient client, IReadOnlyCollection<int> ackedOffsets, long ackedSeq) => new(
        client.Name,
        Received,
        ackedOffsets.Count(offset => !HasIndex(offset)),
        MissingSeqs(ackedSeq),
        OutOfOrderBySeq,
        OutOfOrderById,
        DuplicatesById,
        GapsBySeq,
        client.Dropped,
        client.CloseStatus?.ToString());

    public bool HasIndex(int offset) => (_indices[offset >> 6] & (1UL << (offset & 63))) != 0;

    /// <summary>Seqs in (base, <paramref name="lastSeq"/>] that never arrived.</summary>
    public long MissingSeqs(long lastSeq)
    {
        long missing = 0;
        var limit = Math.Min(lastSeq - _baseSeq, (long)_seqs.Length * 64);
        for (var relative = 0; relative < limit; relative++)
        {
            if ((_seqs[relative >> 6] & (1UL << (relative & 63))) == 0)
            {
                missing++;
            }
        }

        return missing;
    }

    private static bool TrySet(ulong[] bits, int position)
    {
        ref var word = ref bits[position >> 6];
        var mask = 1UL << (position & 63);
        if ((word & mask) != 0)
        {
            return false;
        }

        word |= mask;
        return true;
    }
}
