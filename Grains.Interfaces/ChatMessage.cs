using OrleansChat.Protocol;

namespace OrleansChat;

/// <summary>A stored chat message: the unit of a room's history, ordered by <see cref="Seq"/>.</summary>
[GenerateSerializer, Immutable, Alias("chat.message")]
public sealed record ChatMessage(
    [property: Id(0)] long Seq,
    [property: Id(1)] string Id,
    [property: Id(2)] string User,
    [property: Id(3)] string Text,
    [property: Id(4)] DateTimeOffset Timestamp) : IWireMessage;
