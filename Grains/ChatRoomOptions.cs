using OrleansChat.Grains.Storage;

namespace OrleansChat.Grains;

/// <summary>Rules every chat-room grain applies. Bound from the <c>Chat:Rooms</c> configuration section.</summary>
public sealed class ChatRoomOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "Chat:Rooms";

    /// <summary>How many of the newest messages a room keeps (and can replay on recovery). Default 1,000.</summary>
    public int HistoryWindow { get; set; } = 1000;

    /// <summary>
    /// Messages per storage record. A post rewrites only the current chunk, so the bytes
    /// written per message are bounded by this, not by <see cref="HistoryWindow"/>. Default 64.
    /// </summary>
    public int ChunkSize { get; set; } = 64;

    /// <summary>The longest message text, in characters (Unicode scalar values). Default 4,000.</summary>
    public int MaxTextLength { get; set; } = 4000;

    /// <summary>
    /// How long a gateway's presence in a room lasts without a renewal. Gateways renew well
    /// within it (every 10 s by default, four renewals to a lease); when one dies its names leave
    /// as its lease runs out. Default 40 s.
    /// </summary>
    public TimeSpan PresenceLease { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>The name of the grain storage provider that holds room history.</summary>
    public string StorageName { get; set; } = ChatStorage.RoomStorage;
}
