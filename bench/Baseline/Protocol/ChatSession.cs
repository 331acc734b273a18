using System.Text;
using System.Text.Unicode;
using OrleansChat.Baseline.Rooms;
using OrleansChat.Baseline.Transport;

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

    public void Handle(ReadOnlySpan<byte> json)
    {
        if (!ClientFrame.TryParse(json, out var frame))
        {
            Reply(ServerFrames.Error("bad_request", "expected a JSON object with a string type"));
            return;
        }

        switch (frame.Type)
        {
            case ClientFrameType.Send:
                Send(frame);
                break;
            case ClientFrameType.Join:
                Join(frame.Room);
                break;
            case ClientFrameType.Leave:
                Leave(frame.Room);
                break;
            case ClientFrameType.Ping:
                Reply(ServerFrames.Pong);
                break;
            case ClientFrameType.Typing:
                // Typing hints are outside the baseline's subset; accepted and dropped.
                break;
            case ClientFrameType.Unknown:
            default:
                Reply(ServerFrames.Error("bad_request", "unknown type"));
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

    private void Join(ReadOnlySpan<byte> name)
    {
        if (!Names.IsValidRoom(name))
        {
            Reply(ServerFrames.Error("bad_room", "invalid room name", room: SafeEcho(name)));
            return;
        }

        var room = Find(name);
        if (room is null)
        {
            if (_joined.Count >= ChatLimits.MaxRoomsPerSocket)
            {
                Reply(ServerFrames.Error("too_many_rooms", "too many rooms on this connection", room: name));
                return;
            }

            room = _rooms.GetOrAdd(Encoding.UTF8.GetString(name));
            _joined.Add(room);
        }

        room.Join(_socket);
    }

    private void Leave(ReadOnlySpan<byte> name)
    {
        if (!Names.IsValidRoom(name))
        {
            Reply(ServerFrames.Error("bad_room", "invalid room name", room: SafeEcho(name)));
            return;
        }

        if (Find(name) is { } room)
        {
            room.Leave(_socket);
            _joined.Remove(room);
        }

        Reply(ServerFrames.Left(name));
    }

    private void Send(ClientFrame frame)
    {
        var id = SafeEcho(frame.Id);
        if (!Names.IsValidRoom(frame.Room))
        {
            Reply(ServerFrames.Error("bad_room", "invalid room name", id, SafeEcho(frame.Room)));
            return;
        }

        if (frame.Id.IsEmpty || id.IsEmpty || Encoding.UTF8.GetCharCount(frame.Id) > ChatLimits.MaxIdLength)
        {
            Reply(ServerFrames.Error("bad_request", "id must be 1 to 64 characters", id, frame.Room));
            return;
        }

        if (!frame.HasText || !Utf8.IsValid(frame.Text) || IsBlank(frame.Text))
        {
            Reply(ServerFrames.Error("bad_request", "text must be a non-blank string", id, frame.Room));
            return;
        }

        if (frame.Text.Length > ChatLimits.MaxTextLength && CharacterCount(frame.Text) > ChatLimits.MaxTextLength)
        {
            Reply(ServerFrames.Error("too_long", "text is over 4000 characters", id, frame.Room));
            return;
        }

        if (Find(frame.Room) is not { } room)
        {
            Reply(ServerFrames.Error("not_joined", "join the room first", id, frame.Room));
            return;
        }

        if (!_limiter.TryTake())
        {
            Reply(ServerFrames.Error("rate_limited", "too many messages; slow down", id, frame.Room));
            return;
        }

        room.Post(_socket, frame.Id, frame.Text);
    }

    private Room? Find(ReadOnlySpan<byte> name)
    {
        foreach (var room in _joined)
        {
            if (name.SequenceEqual(room.NameUtf8))
            {
                return room;
            }
        }

        return null;
    }

    private void Reply(byte[] frame) => _socket.Enqueue(frame);

    /// <summary>A client value to echo in an error: valid UTF-8 of sane length, else nothing.</summary>
    private static ReadOnlySpan<byte> SafeEcho(ReadOnlySpan<byte> value) =>
        value.Length <= 256 && Utf8.IsValid(value) ? value : default;

    /// <summary>
    /// Characters as the protocol counts them, Unicode scalar values (an emoji is one): in valid UTF-8 each
    /// has exactly one byte that is not a continuation byte (10xxxxxx). The BCL counts scalar values of UTF-8
    /// only internally (Utf8Utility), so this is the one loop.
    /// </summary>
    private static int CharacterCount(ReadOnlySpan<byte> utf8)
    {
        var count = 0;
        foreach (var b in utf8)
        {
            count += (b & 0xC0) != 0x80 ? 1 : 0;
        }

        return count;
    }

    private static bool IsBlank(ReadOnlySpan<byte> text)
    {
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(text, out var rune, out var consumed) != System.Buffers.OperationStatus.Done || !Rune.IsWhiteSpace(rune))
            {
                return false;
            }

            text = text[consumed..];
        }

        return true;
    }
}
