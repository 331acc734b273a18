namespace OrleansChat;

/// <summary>Names shared by the silo and the gateway for the room streams.</summary>
public static class ChatStreams
{
    /// <summary>The stream provider carrying room events.</summary>
    public const string ProviderName = "chat";

    /// <summary>The stream namespace; the stream key is the room name.</summary>
    public const string RoomNamespace = "room";

    /// <summary>The room's stream id.</summary>
    public static StreamId ForRoom(string room) => StreamId.Create(RoomNamespace, room);
}
