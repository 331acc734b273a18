namespace OrleansChat.Protocol;

/// <summary>The kinds of frame a client may send.</summary>
public enum ClientFrameType
{
    /// <summary>Join a room, optionally resuming after a seq.</summary>
    Join,

    /// <summary>Leave a room.</summary>
    Leave,

    /// <summary>Post a message.</summary>
    Send,

    /// <summary>An ephemeral typing hint.</summary>
    Typing,

    /// <summary>An application-level ping (browsers cannot send WebSocket pings).</summary>
    Ping,

    /// <summary>A new token for the socket, before its token expires.</summary>
    Refresh,
}
