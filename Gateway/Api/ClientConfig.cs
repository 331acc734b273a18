namespace OrleansChat.Gateway.Api;

/// <summary>The body of <c>GET /api/config</c>: <c>auth</c> is <c>"name"</c> or <c>"token"</c>.</summary>
public sealed record ClientConfig(string Auth, int MaxTextLength, int MaxRooms);
