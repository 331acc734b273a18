using Orleans.Concurrency;

namespace OrleansChat;

/// <summary>
/// One grain per room, keyed by the room name. It is the single writer of the room's order:
/// it gives each message the next seq, stores it, and only then publishes it on the room's stream.
/// </summary>
public interface IChatRoomGrain : IGrainWithStringKey
{
    /// <summary>
    /// Validates, orders, stores and then publishes a message. Posts interleave with each other and
    /// with the room's other calls, so that posts arriving while a write is in flight queue up and
    /// are stored together by the next write; the grain still gives seqs and writes one batch at a time.
    /// </summary>
    [AlwaysInterleave]
    Task<PostResult> PostAsync(PostRequest request);

    /// <summary>Messages with seq greater than <paramref name="since"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<HistoryPage> GetHistoryAsync(long since, int limit);

    /// <summary>The newest <paramref name="limit"/> messages, oldest first.</summary>
    Task<HistoryPage> GetRecentAsync(int limit);

    /// <summary>The <paramref name="limit"/> messages just before seq <paramref name="before"/>, oldest first (paging back).</summary>
    Task<HistoryPage> GetBeforeAsync(long before, int limit);

    /// <summary>Publishes an ephemeral typing hint; nothing is stored.</summary>
    Task TypingAsync(string user);

    /// <summary>A gateway's first socket for <paramref name="user"/> joined; returns the room's members afterwards.</summary>
    Task<IReadOnlyList<string>> EnterAsync(string user, string gatewayId);

    /// <summary>A gateway's last socket for <paramref name="user"/> left.</summary>
    Task ExitAsync(string user, string gatewayId);

    /// <summary>Extends a gateway's presence lease, stating every name it holds here.</summary>
    Task RenewAsync(string gatewayId, IReadOnlyList<string> users);

    /// <summary>The names present in the room, each once.</summary>
    Task<IReadOnlyList<string>> GetMembersAsync();
}
