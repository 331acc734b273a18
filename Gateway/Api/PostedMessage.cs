namespace OrleansChat.Gateway.Api;

/// <summary>The body of a <c>201</c> answering <c>POST /api/rooms/{room}/messages</c>: where the message was stored.</summary>
public sealed record PostedMessage(string Room, long Seq, string Id);
