using OrleansChat.Gateway.Metrics;
using OrleansChat.Gateway.Security;
using OrleansChat.Gateway.Transport;
using OrleansChat.Protocol;

namespace OrleansChat.Gateway.Sessions;

/// <summary>
/// The wire protocol for one socket: turns client frames into hub calls and replies, and holds
/// the socket's rooms and its rate limit. Frames are handled one at a time in arrival order, so
/// one client's sends are stored in the order it sent them. What its token allows and when it
/// expires is in ChatSession.Token.cs.
/// </summary>
/// <remarks>
/// The moment its socket starts closing (the peer's close, or one of ours: 1001, 1003, 1008, 1009,
/// 1013), the session leaves its rooms, so the others see its presence <c>leave</c> at once and
/// nothing more is queued for it; the socket's close frame still follows what was queued before.
/// </remarks>
public sealed partial class ChatSession(
    WebSocketConnection connection,
    ChatIdentity identity,
    IChatRooms hub,
    ChatTokens tokens,
    ChatSessionOptions options,
    ChatMetrics metrics,
    ILogger logger) : IRoomMember, IAsyncDisposable
{
    // Guarded by itself: the frame handler changes it, and the close (any thread) takes it whole.
    private readonly HashSet<string> _rooms = new(StringComparer.Ordinal);

    // Set, under the _rooms lock, when the socket starts closing; from then on no room is joined.
    private Task? _leaving;

    // Made on first use: an idle socket carries no limiter.
    private SendRateLimit? _limiter;

    /// <inheritdoc />
    public string User { get; } = identity.User;

    /// <inheritdoc />
    public bool Deliver(ReadOnlyMemory<byte> frame, bool droppable) => connection.TrySend(frame, droppable);

    /// <summary>Sends the welcome frame.</summary>
    public void Start()
    {
        connection.Closing += () => LeaveRoomsAtClose();
        connection.TrySend(ServerFrames.Welcome(User, connection.Id));
        WatchExpiry();
    }

    /// <summary>Handles one complete client text frame.</summary>
    public async Task HandleAsync(ReadOnlyMemory<byte> utf8)
    {
        metrics.FrameReceived();
        var (frame, error) = ClientFrameParser.Parse(utf8);
        if (frame is null)
        {
            Reply(error!);
            return;
        }

        switch (frame.Type)
        {
            case ClientFrameType.Ping:
                connection.TrySend(ServerFrames.Pong);
                break;
            case ClientFrameType.Join:
                await JoinAsync(frame);
                break;
            case ClientFrameType.Leave:
                await LeaveAsync(frame.Room!);
                break;
            case ClientFrameType.Send:
                await SendAsync(frame);
                break;
            case ClientFrameType.Typing:
                await TypingAsync(frame);
                break;
            case ClientFrameType.Refresh:
                await RefreshAsync(frame.Token!);
                break;
            default:
                Reply(new ProtocolError(ErrorCodes.BadRequest, "unknown frame type"));
                break;
        }
    }

    /// <summary>Leaves every room (if the close has not already), so the hub releases what this socket held.</summary>
    public async ValueTask DisposeAsync()
    {
        _expiry?.Dispose();
        await LeaveRoomsAtClose();
    }

    /// <summary>
    /// Leaves every room once, off the calling thread: the close can start inside a fan-out (a queue
    /// overflow), which holds the room's lock while it delivers.
    /// </summary>
    private Task LeaveRoomsAtClose()
    {
        lock (_rooms)
        {
            if (_leaving is null)
            {
                string[] rooms = [.. _rooms];
                _rooms.Clear();
                _leaving = rooms.Length == 0 ? Task.CompletedTask : Task.Run(() => LeaveEachAsync(rooms));
            }

            return _leaving;
        }
    }

    private async Task LeaveEachAsync(IEnumerable<string> rooms)
    {
        foreach (var room in rooms)
        {
            try
            {
                await hub.LeaveAsync(this, room);
            }
            catch (Exception exception)
            {
                LogLeaveFailed(exception, room);
            }
        }
    }

    private bool InRoom(string room)
    {
        lock (_rooms)
        {
            return _rooms.Contains(room);
        }
    }

    private async Task JoinAsync(ClientFrame frame)
    {
        var room = frame.Room!;
        if (!_access.Allows(room))
        {
            Reply(new ProtocolError(ErrorCodes.Forbidden, "the token does not allow this room", Room: room));
            return;
        }

        lock (_rooms)
        {
            if (_leaving is not null)
            {
                return;
            }

            if (!_rooms.Contains(room) && _rooms.Count >= options.MaxRoomsPerConnection)
            {
                Reply(new ProtocolError(ErrorCodes.TooManyRooms, $"a connection can be in at most {options.MaxRoomsPerConnection} rooms", Room: room));
                return;
            }

            _rooms.Add(room);
        }

        try
        {
            await hub.JoinAsync(this, room, frame.Since, frame.Epoch);
            if (Volatile.Read(ref _leaving) is not null)
            {
                // The close took the rooms while this join was on its way: it may have left before the hub added us.
                await hub.LeaveAsync(this, room);
            }
        }
        catch (Exception exception)
        {
            lock (_rooms)
            {
                _rooms.Remove(room);
            }

            LogClusterFailure(exception, "join", room);
            Reply(new ProtocolError(ErrorCodes.Unavailable, "the cluster cannot take the request now; retry", Room: room));
        }
    }

    private async Task LeaveAsync(string room)
    {
        bool removed;
        lock (_rooms)
        {
            removed = _rooms.Remove(room);
        }

        if (removed)
        {
            await hub.LeaveAsync(this, room);
        }

        connection.TrySend(ServerFrames.Left(room));
    }

    private async Task SendAsync(ClientFrame frame)
    {
        var (room, id, text) = (frame.Room!, frame.Id!, frame.Text!);
        if (!InRoom(room))
        {
            Reply(new ProtocolError(ErrorCodes.NotJoined, "join the room before sending to it", id, room));
            return;
        }

        if (MessageRules.IsBlank(text))
        {
            Reply(new ProtocolError(ErrorCodes.BadRequest, "'text' must not be empty or white space", id, room));
            return;
        }

        if (MessageRules.IsTooLong(text, options.MaxTextLength))
        {
            Reply(new ProtocolError(ErrorCodes.TooLong, $"text is limited to {options.MaxTextLength} characters", id, room));
            return;
        }

        if (!TryTakePermit())
        {
            Reply(new ProtocolError(ErrorCodes.RateLimited, $"at most {options.SendsPerSecond} sends a second", id, room));
            return;
        }

        try
        {
            var result = await hub.PostAsync(room, new PostRequest(User, id, text));
            switch (result.Status)
            {
                case PostStatus.Stored or PostStatus.Duplicate:
                    metrics.MessagePosted(result.Status);
                    connection.TrySend(ServerFrames.Ack(room, id, result.Seq));
                    break;
                case PostStatus.TooLong:
                    Reply(new ProtocolError(ErrorCodes.TooLong, "text is over the room's limit", id, room));
                    break;
                default:
                    Reply(new ProtocolError(ErrorCodes.BadRequest, "the message was not valid", id, room));
                    break;
            }
        }
        catch (Exception exception)
        {
            LogClusterFailure(exception, "send", room);
            Reply(new ProtocolError(ErrorCodes.Unavailable, "the message was not stored; retry with the same id", id, room));
        }
    }

    private async Task TypingAsync(ClientFrame frame)
    {
        var room = frame.Room!;
        if (!InRoom(room))
        {
            Reply(new ProtocolError(ErrorCodes.NotJoined, "join the room before typing in it", Room: room));
            return;
        }

        if (!TryTakePermit())
        {
            Reply(new ProtocolError(ErrorCodes.RateLimited, $"at most {options.SendsPerSecond} sends and typing hints a second", Room: room));
            return;
        }

        try
        {
            await hub.TypingAsync(room, User);
        }
        catch (Exception exception)
        {
            // A lost typing hint is harmless; the next keystroke sends another.
            LogClusterFailure(exception, "typing", room);
        }
    }

    private bool TryTakePermit()
    {
        _limiter ??= new SendRateLimit(options.SendBurst, options.SendsPerSecond, TimeSpan.FromSeconds(1), TimeProvider.System);
        return _limiter.TryTake();
    }

    private void Reply(ProtocolError error)
    {
        metrics.Error(error.Code);
        connection.TrySend(ServerFrames.Error(error));
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "{Operation} in room {Room} failed: the cluster is unavailable")]
    private partial void LogClusterFailure(Exception exception, string operation, string room);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Leaving room {Room} failed")]
    private partial void LogLeaveFailed(Exception exception, string room);
}
