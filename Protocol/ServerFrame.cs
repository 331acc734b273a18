namespace OrleansChat.Protocol;

/// <summary>
/// The fields of a server frame a client reacts to, read by <see cref="ServerFrameParser"/>. <see cref="Room"/>
/// and <see cref="Id"/> are unescaped UTF-8 that point into the frame read whenever the JSON needed no
/// unescaping (the usual case); a field that is absent or not of its type is empty, -1 or null.
/// </summary>
public readonly ref struct ServerFrame
{
    /// <summary>A frame with no fields read.</summary>
    public ServerFrame()
    {
        Type = ServerFrameType.Other;
        Seq = -1;
    }

    /// <summary>The frame's kind; <see cref="ServerFrameType.Other"/> for any other or no <c>type</c>.</summary>
    public ServerFrameType Type { get; init; }

    /// <summary>The <c>room</c> field.</summary>
    public ReadOnlySpan<byte> Room { get; init; }

    /// <summary>The <c>id</c> field: the message id of a <c>message</c>, <c>ack</c> or <c>error</c>.</summary>
    public ReadOnlySpan<byte> Id { get; init; }

    /// <summary>The <c>seq</c> field, or -1.</summary>
    public long Seq { get; init; }

    /// <summary>An <c>error</c> frame's code, or null.</summary>
    public string? Code { get; init; }
}
