namespace OrleansChat.Grains;

/// <summary>One storage record of consecutive messages: chunk k holds seqs k*size+1 to (k+1)*size.</summary>
[GenerateSerializer, Alias("chat.room-chunk")]
public sealed class RoomChunk
{
    /// <summary>The chunk's messages in seq order.</summary>
    [Id(0)] public List<ChatMessage> Messages { get; set; } = [];
}
