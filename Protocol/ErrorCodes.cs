namespace OrleansChat.Protocol;

/// <summary>The wire contract's error codes, sent in <c>error</c> frames.</summary>
public static class ErrorCodes
{
    /// <summary>Not JSON, unknown type, or a missing or malformed field.</summary>
    public const string BadRequest = "bad_request";

    /// <summary>The room name does not match the contract's pattern.</summary>
    public const string BadRoom = "bad_room";

    /// <summary>A send or typing hint to a room this socket has not joined.</summary>
    public const string NotJoined = "not_joined";

    /// <summary>The text is over the length limit.</summary>
    public const string TooLong = "too_long";

    /// <summary>The connection sent faster than its rate limit; nothing was stored.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>The socket is already in as many rooms as allowed.</summary>
    public const string TooManyRooms = "too_many_rooms";

    /// <summary>The cluster cannot take the request now; retrying with the same id is safe.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>A <c>join</c> to a room the token's <c>rooms</c> claim does not allow.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>A <c>refresh</c> whose token is not valid or is for another user; nothing changed.</summary>
    public const string BadToken = "bad_token";
}
