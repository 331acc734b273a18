using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansChat.Grains.Storage;

/// <summary>
/// A room's history in grain storage as a head record plus fixed-size chunks, written by the
/// room grain itself through the named <see cref="IGrainStorage"/>. A write stores a batch of
/// consecutive messages into one chunk (at most <c>chunkSize</c> messages are rewritten), never
/// the whole window; chunks that fall out of the window are cleared. The current chunk's messages
/// stay encoded between writes (<see cref="ChunkBuffer"/>), so a write encodes only its own batch.
/// </summary>
internal sealed class RoomStore(IGrainStorage storage, Serializer<ChatMessage> serializer, GrainId grainId, int chunkSize, int window)
{
    private const string HeadName = "room-head";
    private readonly GrainState<RoomHead> _head = new(new RoomHead());

    // The etag of every chunk this store knows to exist, so that clearing one needs no read first.
    private readonly Dictionary<long, string?> _chunkETags = [];
    private readonly ChunkBuffer _buffer = new(serializer);
    private GrainState<RoomChunk> _chunk = new(new RoomChunk());
    private long _chunkIndex = -1;
    private long _oldestKnownChunk;
    private Task? _creating;

    /// <summary>The epoch of the stored room; empty until loaded or created.</summary>
    public string Epoch => Head.Epoch;

    // A storage provider may leave State null for a record that does not exist.
    private RoomHead Head => _head.State ??= new RoomHead();

    /// <summary>Reads the head and every chunk that can hold a message of the window, oldest first.</summary>
    public async Task<List<ChatMessage>> LoadAsync()
    {
        await storage.ReadStateAsync(HeadName, grainId, _head);
        var loaded = new List<ChatMessage>();
        if (!_head.RecordExists)
        {
            return loaded;
        }

        var chunksInWindow = (window + chunkSize - 1) / chunkSize;
        var first = Math.Max(0, Head.LastChunk - chunksInWindow);
        _oldestKnownChunk = first;
        // The head is advanced before its chunk's first write, so no chunk lies past it; older
        // chunks may already be pruned, and the newest may be missing if its first write failed.
        for (var index = first; index <= Head.LastChunk; index++)
        {
            var chunk = new GrainState<RoomChunk>(new RoomChunk());
            await storage.ReadStateAsync(ChunkName(index), grainId, chunk);
            if (!chunk.RecordExists)
            {
                continue;
            }

            _buffer.Decode(chunk.State ?? new RoomChunk(), loaded);
            _chunkETags[index] = chunk.ETag;
            (_chunk, _chunkIndex) = (chunk, index);
        }

        // Appends go on after the newest chunk's messages.
        _buffer.Reset(_chunk.State);
        return loaded;
    }

    /// <summary>
    /// Writes the head of a new room, with a fresh epoch, if it does not exist yet. Callers that
    /// interleave share one write, so a room never gets two epochs.
    /// </summary>
    public Task EnsureCreatedAsync()
    {
        if (_head.RecordExists)
        {
            return Task.CompletedTask;
        }

        if (_creating is not { IsCompleted: false })
        {
            _creating = CreateAsync();
        }

        return _creating;
    }

    /// <summary>How many messages, starting with seq <paramref name="firstSeq"/>, fit in that seq's chunk.</summary>
    public int RoomInChunk(long firstSeq) => chunkSize - (int)((firstSeq - 1) % chunkSize);

    /// <summary>
    /// Stores consecutive messages that all belong to one chunk (see <see cref="RoomInChunk"/>) in
    /// one write. When this throws, nothing in memory changed.
    /// </summary>
    public async Task AppendAsync(IReadOnlyList<ChatMessage> messages)
    {
        await EnsureCreatedAsync();
        var index = (messages[0].Seq - 1) / chunkSize;
        if ((messages[^1].Seq - 1) / chunkSize != index)
        {
            throw new ArgumentException("a batch must not cross a chunk boundary", nameof(messages));
        }

        if (index != _chunkIndex)
        {
            await AdvanceHeadAsync(index);
            (_chunk, _chunkIndex) = (new GrainState<RoomChunk>(new RoomChunk()), index);
            _buffer.Reset(null);
        }

        var (length, count) = (_buffer.Length, _buffer.Count);
        var previous = _chunk.State;
        foreach (var message in messages)
        {
            _buffer.Append(message);
        }

        _chunk.State = _buffer.ToRecord();
        try
        {
            await storage.WriteStateAsync(ChunkName(index), grainId, _chunk);
        }
        catch
        {
            _buffer.Truncate(length, count);
            _chunk.State = previous;
            throw;
        }

        _chunkETags[index] = _chunk.ETag;
    }

    /// <summary>Clears every chunk that has wholly fallen out of the window (a batch may pass several at once).</summary>
    public async Task PruneAsync(long oldestSeqInWindow)
    {
        var lastWholeChunkOut = (oldestSeqInWindow - 1) / chunkSize - 1;
        for (; _oldestKnownChunk <= lastWholeChunkOut; _oldestKnownChunk++)
        {
            if (!_chunkETags.TryGetValue(_oldestKnownChunk, out var etag))
            {
                continue;
            }

            // The etag of our own last write: clearing checks it, and nobody else writes the room.
            var stale = new GrainState<RoomChunk>(new RoomChunk(), etag) { RecordExists = true };
            await storage.ClearStateAsync(ChunkName(_oldestKnownChunk), grainId, stale);
            _chunkETags.Remove(_oldestKnownChunk);
        }
    }

    private async Task CreateAsync()
    {
        _head.State = new RoomHead { Epoch = Guid.NewGuid().ToString("N"), LastChunk = 0 };
        try
        {
            await storage.WriteStateAsync(HeadName, grainId, _head);
        }
        catch
        {
            _head.State = new RoomHead();
            throw;
        }
    }

    private async Task AdvanceHeadAsync(long index)
    {
        if (Head.LastChunk >= index)
        {
            return;
        }

        var previous = Head.LastChunk;
        Head.LastChunk = index;
        try
        {
            await storage.WriteStateAsync(HeadName, grainId, _head);
        }
        catch
        {
            Head.LastChunk = previous;
            throw;
        }
    }

    private static string ChunkName(long index) => $"room-chunk-{index}";
}
