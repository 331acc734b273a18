using System.Net.WebSockets;
using Microsoft.Extensions.Primitives;
using OrleansChat.Gateway.Security;

namespace OrleansChat.Gateway.Transport;

/// <summary>
/// What a socket path asks of the gateway above it: whether an upgrade request is admitted, and
/// running a socket once it is accepted. Both paths (the HTTP pipeline's <c>/ws</c> and the sockets
/// taken before Kestrel) call the same implementation, so the rules are written once, and the
/// transport depends on no layer above it.
/// </summary>
public interface ISocketHost
{
    /// <summary>
    /// Checks an upgrade request: its <paramref name="origin"/> against the gateway's own
    /// <paramref name="own"/> scheme://host[:port], and its <paramref name="name"/> or <paramref name="token"/>.
    /// </summary>
    Task<SocketAdmission> AdmitAsync(string? origin, string own, StringValues name, StringValues token);

    /// <summary>Runs an accepted socket, admitted as <paramref name="identity"/>, until it closes.</summary>
    Task RunAsync(WebSocket socket, ChatIdentity identity);
}
