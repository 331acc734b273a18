using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Orleans.Streams;

namespace OrleansChat.Grains;

/// <summary>
/// The single writer of a room: validates a post, gives it the next seq, stores it, and only
/// after the store succeeded publishes it on the room's stream. Orleans runs one call at a time
/// here (the grain is not reentrant), which is what keeps seqs contiguous.
/// </summary>
public sealed partial class ChatRoomGrain(
    IOptions<ChatRoomOptions> options,
    IServiceProvider services,
    TimeProvider time,
    ILogger<ChatRoomGrain> logger) : Grain, IChatRoomGrain
{
    private readonly ChatRoomOptions _options = options.Value;
    private RoomStore _store = null!;
    private RoomHistory _history = null!;
    private IAsyncStream<RoomEvent> _stream = null!;
    private readonly RoomPresence _presence = new();
    private IGrainTimer? _leaseTimer;

    private string Room => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredKeyedService<IGrainStorage>(_options.StorageName);
        _store = new RoomStore(storage, this.GetGrainId(), _options.ChunkSize, _options.HistoryWindow);
        _history = new RoomHistory(_options.HistoryWindow);
        foreach (var message in await _store.LoadAsync())
        {
            _history.Add(message);
        }

        _stream = this.GetStreamProvider(ChatStreams.ProviderName).GetStream<RoomEvent>(ChatStreams.ForRoom(Room));
    }

    /// <inheritdoc />
    public async Task<PostResult> PostAsync(PostRequest request)
    {
        if (!MessageRules.IsValidId(request.Id) || !MessageRules.IsValidUser(request.User) || MessageRules.IsBlank(request.Text))
        {
            return new PostResult(PostStatus.Invalid, 0);
        }

        if (request.Text.Length > _options.MaxTextLength)
        {
            return new PostResult(PostStatus.TooLong, 0);
        }

        if (_history.TryFindSeq(request.User, request.Id, out var earlier))
        {
            return new PostResult(PostStatus.Duplicate, earlier);
        }

        var message = new ChatMessage(_history.LatestSeq + 1, request.Id, request.User, request.Text, time.GetUtcNow());
        try
        {
            await _store.AppendAsync(message);
        }
        catch (Exception exception)
        {
            LogStoreFailed(exception, Room, message.Seq);
            throw;
        }

        _history.Add(message);
        await PruneAsync();
        await PublishAsync(new MessagePosted(Room, message));
        return new PostResult(PostStatus.Stored, message.Seq);
    }

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
    public Task TypingAsync(string user) => PublishAsync(new UserTyping(Room, user));

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

    // A timer runs only while someone is present, so rooms nobody is in cost nothing.
    private void WatchLeases()
    {
        if (_presence.IsEmpty)
        {
            _leaseTimer?.Dispose();
            _leaseTimer = null;
        }
        else
        {
            _leaseTimer ??= this.RegisterGrainTimer(ExpireLeasesAsync, _options.PresenceCheckPeriod, _options.PresenceCheckPeriod);
        }
    }

    private async Task ExpireLeasesAsync()
    {
        foreach (var user in _presence.Expire(time.GetUtcNow()))
        {
            LogLeaseExpired(Room, user);
            await PublishAsync(new PresenceChanged(Room, user, Joined: false));
        }

        WatchLeases();
    }

    private HistoryPage Page(IReadOnlyList<ChatMessage> messages) =>
        new(_store.Epoch, _history.LatestSeq, _history.OldestSeq, messages);

    private async Task PruneAsync()
    {
        try
        {
            await _store.PruneAsync(_history.OldestSeq);
        }
        catch (Exception exception)
        {
            // A chunk left behind is only wasted space: the window is read from the head onwards.
            LogPruneFailed(exception, Room);
        }
    }

    private async Task PublishAsync(RoomEvent roomEvent)
    {
        try
        {
            await _stream.OnNextAsync(roomEvent);
        }
        catch (Exception exception)
        {
            // The message is stored and acknowledged; gateways fill the gap from history when the next event arrives.
            LogPublishFailed(exception, Room);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room}: {User} left because its gateway stopped renewing its lease")]
    private partial void LogLeaseExpired(string room, string user);

    [LoggerMessage(Level = LogLevel.Error, Message = "Room {Room}: storing seq {Seq} failed; nothing was published")]
    private partial void LogStoreFailed(Exception exception, string room, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: clearing a chunk that left the window failed")]
    private partial void LogPruneFailed(Exception exception, string room);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: publishing an event failed")]
    private partial void LogPublishFailed(Exception exception, string room);
}
