namespace OrleansChat;

/// <summary>
/// One grain per room, keyed by the room name. It is the single writer of the room's order:
/// it gives each message the next seq, stores it, and only then publishes it on the room's stream.
/// </summary>
public interface IChatRoomGrain : IGrainWithStringKey
{
    /// <summary>Validates, orders, stores and then publishes a message.</summary>
    Task<PostResult> PostAsync(PostRequest request);

    /// <summary>Messages with seq greater than <paramref name="since"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<HistoryPage> GetHistoryAsync(long since, int limit);

    /// <summary>The newest <paramref name="limit"/> messages, oldest first.</summary>
    Task<HistoryPage> GetRecentAsync(int limit);

    /// <summary>Publishes an ephemeral typing hint; nothing is stored.</summary>
    Task TypingAsync(string user);

    /// <summary>The room's current members, each name once.</summary>
    Task<IReadOnlyList<string>> GetMembersAsync();
}
