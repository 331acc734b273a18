namespace OrleansChat.Protocol;

/// <summary>A request that failed: becomes an <c>error</c> frame carrying the request's id and room where it had them.</summary>
public sealed record ProtocolError(string Code, string Message, string? Id = null, string? Room = null);
