namespace OrleansChat.Protocol;

/// <summary>The kinds of frame the server sends; <see cref="Other"/> is anything newer or unreadable.</summary>
public enum ServerFrameType
{
    /// <summary>Not a frame of this contract, or not a JSON object with a string <c>type</c>.</summary>
    Other,

    /// <summary>The first frame on every socket.</summary>
    Welcome,

    /// <summary>The reply to a join.</summary>
    Joined,

    /// <summary>A stored message.</summary>
    Message,

    /// <summary>The acknowledgement of a send.</summary>
    Ack,

    /// <summary>A name joined or left a room.</summary>
    Presence,

    /// <summary>Someone else is typing.</summary>
    Typing,

    /// <summary>The reply to a leave.</summary>
    Left,

    /// <summary>A request failed.</summary>
    Error,

    /// <summary>The reply to a ping.</summary>
    Pong,
}
