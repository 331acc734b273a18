namespace OrleansChat.Protocol.Tests;

/// <summary>A message as the cluster would hand it to the frame writers.</summary>
public sealed record StoredMessage(long Seq, string Id, string User, string Text, DateTimeOffset Timestamp) : IWireMessage;
