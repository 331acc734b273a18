using Orleans.Storage;

namespace OrleansChat.Grains;

/// <summary>
/// A room's history in grain storage as a head record plus fixed-size chunks, written by the
/// room grain itself through the named <see cref="IGrainStorage"/>. A post rewrites one chunk
/// (at most <c>chunkSize</c> messages), never the whole window; chunks that fall out of the
/// window are cleared.
/// </summary>
internal sealed class RoomStore(IGrainStorage storage, GrainId grainId, int chunkSize, int window)
{
    private const string HeadName = "room-head";
    private readonly GrainState<RoomHead> _head = new(new RoomHead());
    private GrainState<RoomChunk> _chunk = new(new RoomChunk());
    private long _chunkIndex = -1;

    /// <summary>The epoch of the stored room; empty until loaded or created.</summary>
    public string Epoch => Head.Epoch;

    // A storage provider may leave State null for a record that does not exist.
    private RoomHead Head => _head.State ??= new RoomHead();

    private RoomChunk Chunk => _chunk.State ??= new RoomChunk();

    /// <summary>True once the room's head record exists in storage.</summary>
    public bool Exists => _head.RecordExists;

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

            loaded.AddRange((chunk.State ?? new RoomChunk()).Messages);
            (_chunk, _chunkIndex) = (chunk, index);
        }

        return loaded;
    }

    /// <summary>Writes the head of a new room, with a fresh epoch, if it does not exist yet.</summary>
    public async Task EnsureCreatedAsync()
    {
        if (_head.RecordExists)
        {
            return;
        }

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

    /// <summary>Stores one message. When this throws, nothing in memory changed.</summary>
    public async Task AppendAsync(ChatMessage message)
    {
        await EnsureCreatedAsync();
        var index = (message.Seq - 1) / chunkSize;
        if (index != _chunkIndex)
        {
            await AdvanceHeadAsync(index);
            (_chunk, _chunkIndex) = (new GrainState<RoomChunk>(new RoomChunk()), index);
        }

        Chunk.Messages.Add(message);
        try
        {
            await storage.WriteStateAsync(ChunkName(index), grainId, _chunk);
        }
        catch
        {
            Chunk.Messages.RemoveAt(Chunk.Messages.Count - 1);
            throw;
        }
    }

    /// <summary>Clears the chunk that has just fallen wholly out of the window, if one has.</summary>
    public async Task PruneAsync(long oldestSeqInWindow)
    {
        var lastWholeChunkOut = (oldestSeqInWindow - 1) / chunkSize - 1;
        if (lastWholeChunkOut < 0 || (oldestSeqInWindow - 1) % chunkSize != 0)
        {
            return;
        }

        // Clearing checks the record's etag, so read it first.
        var name = ChunkName(lastWholeChunkOut);
        var stale = new GrainState<RoomChunk>(new RoomChunk());
        await storage.ReadStateAsync(name, grainId, stale);
        if (stale.RecordExists)
        {
            await storage.ClearStateAsync(name, grainId, stale);
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
