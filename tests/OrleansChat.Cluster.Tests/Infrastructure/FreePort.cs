using System.Net;
using System.Net.Sockets;

namespace OrleansChat.Cluster.Tests.Infrastructure;

/// <summary>A TCP port on loopback that nothing listens on now (for programs that take a port, not 0).</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
