using Microsoft.Extensions.Logging;

namespace OrleansChat.Grains;

// Presence: who is in the room, by gateway, each gateway's names held on a lease it renews.
public sealed partial class ChatRoomGrain
{
    private readonly RoomPresence _presence = new();
    private IGrainTimer? _leaseTimer;

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> EnterAsync(string user, string gatewayId)
    {
        await _store.EnsureCreatedAsync();
        if (_presence.Enter(gatewayId, user, LeaseUntil()))
        {
            await PublishAsync(new PresenceChanged(Room, user, Joined: true));
        }

        WatchLeases();
        return _presence.Members;
    }

    /// <inheritdoc />
    public async Task ExitAsync(string user, string gatewayId)
    {
        if (_presence.Exit(gatewayId, user))
        {
            await PublishAsync(new PresenceChanged(Room, user, Joined: false));
        }

        WatchLeases();
    }

    /// <inheritdoc />
    public async Task RenewAsync(string gatewayId, IReadOnlyList<string> users)
    {
        var (joined, left) = _presence.Renew(gatewayId, users, LeaseUntil());
        foreach (var user in joined)
        {
            await PublishAsync(new PresenceChanged(Room, user, Joined: true));
        }

        foreach (var user in left)
        {
            await PublishAsync(new PresenceChanged(Room, user, Joined: false));
        }

        WatchLeases();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetMembersAsync() => Task.FromResult(_presence.Members);

    private DateTimeOffset LeaseUntil() => time.GetUtcNow() + _options.PresenceLease;

    // A timer runs only while someone is present, so rooms nobody is in cost nothing, and it is
    // due when the first lease runs out rather than on a period: renewals push leases on without
    // touching it, so a room whose gateways keep renewing wakes once a lease, and a dead gateway's
    // names leave as its lease ends. A new lease never ends before the ones already here (each is
    // now + PresenceLease), so the timer, once armed, is never late.
    private void WatchLeases()
    {
        if (_presence.FirstLeaseEnd is not { } end)
        {
            _leaseTimer?.Dispose();
            _leaseTimer = null;
        }
        else
        {
            _leaseTimer ??= this.RegisterGrainTimer(ExpireLeasesAsync, Until(end), Timeout.InfiniteTimeSpan);
        }
    }

    private async Task ExpireLeasesAsync()
    {
        foreach (var user in _presence.Expire(time.GetUtcNow()))
        {
            LogLeaseExpired(Room, user);
            await PublishAsync(new PresenceChanged(Room, user, Joined: false));
        }

        if (_presence.FirstLeaseEnd is { } end && _leaseTimer is not null)
        {
            _leaseTimer.Change(Until(end), Timeout.InfiniteTimeSpan);
        }
        else
        {
            WatchLeases();
        }
    }

    private TimeSpan Until(DateTimeOffset end) => end - time.GetUtcNow() is var due && due > TimeSpan.Zero ? due : TimeSpan.Zero;

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "Room {Room}: {User} left because its gateway stopped renewing its lease")]
    private partial void LogLeaseExpired(string room, string user);
}
