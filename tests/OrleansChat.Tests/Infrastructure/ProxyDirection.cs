namespace OrleansChat.Tests.Infrastructure;

/// <summary>One direction of the bytes through a <see cref="TcpProxy"/>.</summary>
public enum ProxyDirection
{
    /// <summary>From the browser (or any client) to the gateway.</summary>
    ToTarget,

    /// <summary>From the gateway back to the browser.</summary>
    ToClient,
}
