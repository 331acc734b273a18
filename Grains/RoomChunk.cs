namespace OrleansChat.Grains;

/// <summary>
/// One storage record of consecutive messages: chunk k holds seqs k*size+1 to (k+1)*size. The
/// messages are kept already encoded, back to back, each behind its length, so that rewriting the
/// chunk for a post copies bytes instead of serializing every message of the chunk again (see
/// <see cref="ChunkBuffer"/>).
/// </summary>
[GenerateSerializer, Alias("chat.room-chunk")]
public sealed class RoomChunk
{
    /// <summary>How many messages <see cref="Data"/> holds.</summary>
    [Id(0)] public int Count { get; set; }

    /// <summary>The messages in seq order, each a 32-bit little-endian length and then Orleans' encoding of the <see cref="ChatMessage"/>.</summary>
    [Id(1)] public ReadOnlyMemory<byte> Data { get; set; }
}
