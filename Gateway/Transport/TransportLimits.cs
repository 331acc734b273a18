namespace OrleansChat.Gateway.Transport;

/// <summary>The limits the transport enforces on one socket, taken from the gateway's options.</summary>
public sealed record TransportLimits(int MaxFrameBytes, int OutboundQueueLimit, TimeSpan CloseTimeout);
