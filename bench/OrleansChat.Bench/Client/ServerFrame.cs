namespace OrleansChat.Bench.Client;

/// <summary>
/// The few fields of a server frame the bench needs. <see cref="Index"/> is the bench's own message
/// number decoded from an id of the form <c>m123</c>, or -1 for any other id.
/// </summary>
internal readonly record struct ServerFrame(ServerFrameType Type, long Index, long Seq, string? Code);
