namespace OrleansChat.Grains;

// Reads of the room's history window: what a joiner or a gateway filling a gap asks for.
public sealed partial class ChatRoomGrain
{
    /// <inheritdoc />
    public async Task<HistoryPage> GetHistoryAsync(long since, int limit)
    {
        await _store.EnsureCreatedAsync();
        return Page(_history.After(since, Math.Clamp(limit, 0, _options.HistoryWindow)));
    }

    /// <inheritdoc />
    public async Task<HistoryPage> GetRecentAsync(int limit)
    {
        await _store.EnsureCreatedAsync();
        return Page(_history.Newest(Math.Clamp(limit, 0, _options.HistoryWindow)));
    }

    /// <inheritdoc />
    public async Task<HistoryPage> GetBeforeAsync(long before, int limit)
    {
        await _store.EnsureCreatedAsync();
        return Page(_history.Before(before, Math.Clamp(limit, 0, _options.HistoryWindow)));
    }

    private HistoryPage Page(IReadOnlyList<ChatMessage> messages) =>
        new(_store.Epoch, _history.LatestSeq, _history.OldestSeq, messages);
}
