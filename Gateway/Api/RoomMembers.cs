namespace OrleansChat.Gateway.Api;

/// <summary>The body of <c>GET /api/rooms/{room}/members</c>.</summary>
public sealed record RoomMembers(string Room, IReadOnlyList<string> Members);
