using OrleansChat.Baseline.Rooms;
using OrleansChat.Baseline.Transport;
using OrleansChat.Protocol;

namespace OrleansChat.Baseline.Protocol;

/// <summary>
/// The protocol as seen by one socket: which rooms it joined, its send rate limit, and the
/// handling of each client frame. Runs only on that socket's read loop.
/// </summary>
internal sealed class ChatSession
{
    private readonly ChatSocket _socket;
    private readonly RoomRegistry _rooms;
    private readonly List<Room> _joined = [];
    private readonly SendRateLimiter _limiter = new();

    public ChatSession(ChatSocket socket, RoomRegistry rooms)
    {
        _socket = socket;
        _rooms = rooms;
    }

    public void Handle(ReadOnlyMemory<byte> json)
    {
        var (frame, error) = ClientFrameParser.Parse(json);
        if (frame is null)
        {
            Reply(ServerFrames.Error(error!));
            return;
        }

        switch (frame.Type)
        {
            case ClientFrameType.Send:
                Send(frame.Room!, frame.Id!, frame.Text!);
                break;
            case ClientFrameType.Join:
                Join(frame.Room!);
                break;
            case ClientFrameType.Leave:
                Leave(frame.Room!);
                break;
            case ClientFrameType.Ping:
                Reply(ServerFrames.Pong);
                break;
            case ClientFrameType.Typing:
            default:
                // Typing hints are outside the baseline's subset; accepted and dropped.
                break;
        }
    }

    /// <summary>Leaves every room; called once the socket has closed.</summary>
    public void LeaveAll()
    {
        foreach (var room in _joined)
        {
            room.Leave(_socket);
        }

        _joined.Clear();
    }

    // The parser has checked the shape: the room matches the contract's pattern, the id is 1 to 64
    // characters and the text is a string. What is left is the session's own.
    private void Join(string name)
    {
        var room = Find(name);
        if (room is null)
        {
            if (_joined.Count >= ChatLimits.MaxRoomsPerSocket)
            {
                Reply(ServerFrames.Error(new ProtocolError(ErrorCodes.TooManyRooms, "too many rooms on this connection", Room: name)));
                return;
            }

            room = _rooms.GetOrAdd(name);
            _joined.Add(room);
        }

        room.Join(_socket);
    }

    private void Leave(string name)
    {
        if (Find(name) is { } room)
        {
            room.Leave(_socket);
            _joined.Remove(room);
        }

        Reply(ServerFrames.Left(name));
    }

    private void Send(string name, string id, string text)
    {
        if (MessageRules.IsBlank(text))
        {
            Reply(ServerFrames.Error(new ProtocolError(ErrorCodes.BadRequest, "text must be a non-blank string", id, name)));
            return;
        }

        if (MessageRules.IsTooLong(text, ChatLimits.MaxTextLength))
        {
            Reply(ServerFrames.Error(new ProtocolError(ErrorCodes.TooLong, "text is over 4000 characters", id, name)));
            return;
        }

        if (Find(name) is not { } room)
        {
            Reply(ServerFrames.Error(new ProtocolError(ErrorCodes.NotJoined, "join the room first", id, name)));
            return;
        }

        if (!_limiter.TryTake())
        {
            Reply(ServerFrames.Error(new ProtocolError(ErrorCodes.RateLimited, "too many messages; slow down", id, name)));
            return;
        }

        room.Post(_socket, id, text);
    }

    private Room? Find(string name)
    {
        foreach (var room in _joined)
        {
            if (string.Equals(name, room.Name, StringComparison.Ordinal))
            {
                return room;
            }
        }

        return null;
    }

    private void Reply(byte[] frame) => _socket.Enqueue(frame);
}
