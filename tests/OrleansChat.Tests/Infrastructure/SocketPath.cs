namespace OrleansChat.Tests.Infrastructure;

/// <summary>How a test gateway takes its sockets: before Kestrel (the default) or through Kestrel's HTTP pipeline.</summary>
public enum SocketPath
{
    /// <summary><c>Chat:Gateway:DirectUpgrade=true</c>: upgrades taken off the socket before Kestrel sees it.</summary>
    Direct,

    /// <summary><c>Chat:Gateway:DirectUpgrade=false</c>: every socket through Kestrel and the <c>/ws</c> endpoint.</summary>
    Kestrel,
}
