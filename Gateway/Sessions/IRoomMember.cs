namespace OrleansChat.Gateway.Sessions;

/// <summary>A local socket as the hub sees it: a name and a way to hand it frames.</summary>
public interface IRoomMember
{
    /// <summary>The display name the socket is connected as.</summary>
    string User { get; }

    /// <summary>Queues a frame for the socket; droppable frames (typing) go first when the socket lags.</summary>
    bool Deliver(ReadOnlyMemory<byte> frame, bool droppable);
}
