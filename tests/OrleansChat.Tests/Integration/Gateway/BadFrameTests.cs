using System.Text;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Gateway;

/// <summary>
/// A client that breaks the WebSocket protocol (here: a frame it did not mask, RFC 6455 section 5.1) is failed
/// with close 1002 after what it was sent before, and the connection ends with a FIN, not a reset that would
/// drop those frames and the close; on both socket paths, with a bad frame the WebSocket reads whole and with
/// one that leaves most of itself unread.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BadFrameTests(ClusterFixture cluster)
{
    [Theory]
    [InlineData(SocketPath.Direct, 5)]
    [InlineData(SocketPath.Kestrel, 5)]
    [InlineData(SocketPath.Direct, 1000)]
    [InlineData(SocketPath.Kestrel, 1000)]
    [InlineData(SocketPath.Direct, 60000)]
    [InlineData(SocketPath.Kestrel, 60000)]
    public async Task AnUnmaskedFrameGetsWhatCameBeforeItThenClose1002AndAFinNotAReset(SocketPath path, int size)
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, path: path);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var stream = await RawUpgrade.ConnectAsync(gateway, "alice", cancellationToken: limit.Token);
        var (_, welcome) = await RawUpgrade.ReadFrameAsync(stream, limit.Token);
        Assert.Contains("\"type\":\"welcome\"", Encoding.UTF8.GetString(welcome), StringComparison.Ordinal);
        await stream.WriteAsync(RawUpgrade.ClientFrame(0x81, """{"type":"ping"}"""u8.ToArray()), limit.Token);
        var (_, pong) = await RawUpgrade.ReadFrameAsync(stream, limit.Token);
        Assert.Contains("\"type\":\"pong\"", Encoding.UTF8.GetString(pong), StringComparison.Ordinal);

        await stream.WriteAsync(UnmaskedTextFrame(size), limit.Token);

        var (header, payload) = await ReadOrSayResetAsync(() => RawUpgrade.ReadFrameAsync(stream, limit.Token));
        Assert.Equal(0x88, header);
        Assert.Equal(1002, (payload[0] << 8) | payload[1]);
        Assert.Equal(0, await ReadOrSayResetAsync(() => stream.ReadAsync(new byte[1], limit.Token).AsTask()));
    }

    /// <summary>A final text frame of <paramref name="size"/> bytes (under 64 KiB) without the mask a client's frame must carry.</summary>
    private static byte[] UnmaskedTextFrame(int size)
    {
        var payload = Enumerable.Repeat((byte)'x', size).ToArray();
        return size < 126 ? [0x81, (byte)size, .. payload] : [0x81, 126, (byte)(size >> 8), (byte)size, .. payload];
    }

    private static async Task<T> ReadOrSayResetAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (EndOfStreamException)
        {
            Assert.Fail("the connection ended before the close frame");
            throw;
        }
        catch (IOException exception)
        {
            Assert.Fail("the connection was reset: " + (exception.InnerException?.Message ?? exception.Message));
            throw;
        }
    }
}
