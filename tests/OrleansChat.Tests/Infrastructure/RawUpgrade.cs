using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>A WebSocket upgrade made by hand on a raw socket, for tests that read (or withhold) the bytes themselves.</summary>
public static class RawUpgrade
{
    /// <summary>
    /// Connects as <paramref name="name"/>, sends the upgrade request and reads the answer's head,
    /// which must be a 101; returns the stream (owning the socket), positioned at the first frame.
    /// </summary>
    public static async Task<NetworkStream> ConnectAsync(GatewayHost gateway, string name, int receiveBufferSize = 0, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBufferSize > 0)
        {
            socket.ReceiveBufferSize = receiveBufferSize;
        }

        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, gateway.Address.Port), cancellationToken);
        var stream = new NetworkStream(socket, ownsSocket: true);
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /ws?name={name} HTTP/1.1\r\nHost: {gateway.Address.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"), cancellationToken);

        var seen = new List<byte>();
        var one = new byte[1];
        while (seen.Count < 4 || !(seen[^4] == '\r' && seen[^3] == '\n' && seen[^2] == '\r' && seen[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException("connection closed during the upgrade");
            }

            seen.Add(one[0]);
        }

        var head = Encoding.ASCII.GetString([.. seen]);
        if (!head.StartsWith("HTTP/1.1 101 ", StringComparison.Ordinal))
        {
            await stream.DisposeAsync();
            throw new IOException("upgrade refused: " + head);
        }

        return stream;
    }
}
