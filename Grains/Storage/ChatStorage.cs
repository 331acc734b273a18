namespace OrleansChat.Grains.Storage;

/// <summary>Names of the grain storage providers the silo registers.</summary>
public static class ChatStorage
{
    /// <summary>Room history and room heads.</summary>
    public const string RoomStorage = "chat";

    /// <summary>Orleans' stream pub-sub state; the name Orleans looks for.</summary>
    public const string PubSubStore = "PubSubStore";
}
