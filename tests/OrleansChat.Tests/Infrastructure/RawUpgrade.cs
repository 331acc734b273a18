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
    /// <remarks><paramref name="sentWithHead"/> goes out in the same write as the request's head (a client's first frames, say).</remarks>
    public static Task<NetworkStream> ConnectAsync(GatewayHost gateway, string name, int receiveBufferSize = 0, byte[]? sentWithHead = null, CancellationToken cancellationToken = default) =>
        ConnectWithQueryAsync(gateway, $"name={name}", receiveBufferSize, sentWithHead, cancellationToken);

    /// <summary>As <see cref="ConnectAsync"/>, with the request's query as given (<c>token=…</c>, say).</summary>
    public static async Task<NetworkStream> ConnectWithQueryAsync(GatewayHost gateway, string query, int receiveBufferSize = 0, byte[]? sentWithHead = null, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBufferSize > 0)
        {
            socket.ReceiveBufferSize = receiveBufferSize;
        }

        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, gateway.Address.Port), cancellationToken);
        var stream = new NetworkStream(socket, ownsSocket: true);
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        byte[] head = Encoding.ASCII.GetBytes(
            $"GET /ws?{query} HTTP/1.1\r\nHost: {gateway.Address.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
        byte[] request = [.. head, .. sentWithHead ?? []];
        await stream.WriteAsync(request, cancellationToken);

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

        var answer = Encoding.ASCII.GetString([.. seen]);
        if (!answer.StartsWith("HTTP/1.1 101 ", StringComparison.Ordinal))
        {
            await stream.DisposeAsync();
            throw new IOException("upgrade refused: " + answer);
        }

        return stream;
    }

    /// <summary>Reads and discards until the gateway ends the connection (its end of stream, or a reset).</summary>
    public static async Task ReadUntilEndedAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        try
        {
            while (await stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset: as ended.
        }
    }

    /// <summary>Reads one server frame (unmasked, payload under 64 KiB): its first byte and its payload.</summary>
    public static async Task<(byte Header, byte[] Payload)> ReadFrameAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[2];
        await stream.ReadExactlyAsync(header, cancellationToken);
        int length = header[1] & 0x7F;
        if (length == 126)
        {
            var extended = new byte[2];
            await stream.ReadExactlyAsync(extended, cancellationToken);
            length = (extended[0] << 8) | extended[1];
        }

        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, cancellationToken);
        return (header[0], payload);
    }

    /// <summary>A final frame with a short payload, masked as a client's frames must be (RFC 6455 section 5.3).</summary>
    public static byte[] ClientFrame(byte header, byte[] payload)
    {
        byte[] mask = [1, 2, 3, 4];
        return [header, (byte)(0x80 | payload.Length), .. mask, .. payload.Select((b, i) => (byte)(b ^ mask[i % 4]))];
    }
}
