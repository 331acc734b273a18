using System.Net;
using System.Net.Sockets;

namespace OrleansChat.Deploy.Tests;

/// <summary>Free loopback ports for the programs the tests start.</summary>
public static class Ports
{
    /// <summary>A port free on loopback now (the system's next ephemeral one).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
