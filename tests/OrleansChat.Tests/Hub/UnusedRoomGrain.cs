namespace OrleansChat.Tests.Hub;

/// <summary>A room grain the channel must not need: every call fails the test.</summary>
internal class UnusedRoomGrain : IChatRoomGrain
{
    public Task<PostResult> PostAsync(PostRequest request) => throw new InvalidOperationException("not expected");

    public virtual Task<HistoryPage> GetHistoryAsync(long since, int limit) => throw new InvalidOperationException("no history read expected");

    public Task<HistoryPage> GetRecentAsync(int limit) => throw new InvalidOperationException("not expected");

    public Task<HistoryPage> GetBeforeAsync(long before, int limit) => throw new InvalidOperationException("not expected");

    public Task TypingAsync(string user) => throw new InvalidOperationException("not expected");

    public Task<IReadOnlyList<string>> EnterAsync(string user, string gatewayId) => throw new InvalidOperationException("not expected");

    public Task ExitAsync(string user, string gatewayId) => throw new InvalidOperationException("not expected");

    public Task RenewAsync(string gatewayId, IReadOnlyList<string> users) => throw new InvalidOperationException("not expected");

    public Task<IReadOnlyList<string>> GetMembersAsync() => throw new InvalidOperationException("not expected");
}
