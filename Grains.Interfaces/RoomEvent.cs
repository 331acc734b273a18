namespace OrleansChat;

/// <summary>
/// What travels on a room's stream. Every gateway with a socket in the room holds one
/// subscription and fans these out to its local sockets.
/// </summary>
[GenerateSerializer, Immutable, Alias("chat.event")]
public abstract record RoomEvent([property: Id(0)] string Room);

/// <summary>A message was durably stored with the given seq.</summary>
[GenerateSerializer, Immutable, Alias("chat.event.message")]
public sealed record MessagePosted(string Room, [property: Id(0)] ChatMessage Message) : RoomEvent(Room);

/// <summary>An ephemeral typing hint; never stored.</summary>
[GenerateSerializer, Immutable, Alias("chat.event.typing")]
public sealed record UserTyping(string Room, [property: Id(0)] string User) : RoomEvent(Room);

/// <summary>A name's first connection joined the room, or its last one left.</summary>
[GenerateSerializer, Immutable, Alias("chat.event.presence")]
public sealed record PresenceChanged(string Room, [property: Id(0)] string User, [property: Id(1)] bool Joined) : RoomEvent(Room);
