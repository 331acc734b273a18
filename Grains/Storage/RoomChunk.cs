namespace OrleansChat.Grains.Storage;

/// <summary>
/// One storage record of consecutive messages: chunk k holds seqs k*size+1 to (k+1)*size. The
/// messages are kept already encoded, back to back, each behind its length, so that rewriting the
/// chunk for a post encodes only the post's messages (see <see cref="ChunkBuffer"/>), and storing
/// it hands over those bytes as they are (see <see cref="ChatStorageSerializer"/>).
/// </summary>
[GenerateSerializer, Alias("chat.room-chunk")]
public sealed class RoomChunk
{
    /// <summary>How many messages <see cref="Data"/> holds.</summary>
    [Id(0)] public int Count { get; set; }

    /// <summary>The messages in seq order, each a 32-bit little-endian length and then Orleans' encoding of the <see cref="ChatMessage"/>.</summary>
    [Id(1)] public ReadOnlyMemory<byte> Data { get; set; }
}
