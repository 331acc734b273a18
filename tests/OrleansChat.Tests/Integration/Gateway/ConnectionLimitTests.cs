using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Gateway;

/// <summary>
/// Kestrel's connection limits and timeouts hold the same with the direct upgrade on and off:
/// <c>MaxConcurrentConnections</c> (upgraded sockets stop counting), <c>MaxConcurrentUpgradedConnections</c>
/// (a 500 past it), and a connection that never sends a byte is held no longer on the direct path.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ConnectionLimitTests(ClusterFixture cluster)
{
    [Theory]
    [InlineData(SocketPath.Direct)]
    [InlineData(SocketPath.Kestrel)]
    public async Task PastMaxConcurrentConnectionsAConnectionIsClosedUnansweredAndSocketsDoNotCount(SocketPath path)
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, path: path,
            configure: builder => builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxConcurrentConnections = 2));

        // Two sockets, upgraded: they no longer count, as in Kestrel.
        await using var alice = await RawClient.ConnectAsync(gateway, "name=alice");
        await using var bob = await RawClient.ConnectAsync(gateway, "name=bob");
        Socket[] silent = [await ConnectAsync(gateway), await ConnectAsync(gateway)];
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                // Kestrel checks the limit on the thread pool, not in accept order, so a probe can take a
                // silent connection's place, which Kestrel then closes: that one is opened again.
                for (var i = 0; i < silent.Length; i++)
                {
                    if (ClosedByTheGateway(silent[i]))
                    {
                        silent[i].Dispose();
                        silent[i] = await ConnectAsync(gateway);
                    }
                }

                return await AnswerAsync(gateway) == "closed";
            });

            // Two connections that send nothing take both places: the next is closed without an answer.
            Assert.Equal("closed", await AnswerAsync(gateway));

            silent[0].Dispose();
            await Eventually.TrueAsync(async () => await AnswerAsync(gateway) == "HTTP/1.1 200 OK");
        }
        finally
        {
            foreach (var socket in silent)
            {
                socket.Dispose();
            }
        }
    }

    // Readable with nothing to read: the gateway ended it (a reset throws, which is ended too).
    private static bool ClosedByTheGateway(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    [Theory]
    [InlineData(SocketPath.Direct)]
    [InlineData(SocketPath.Kestrel)]
    public async Task PastMaxConcurrentUpgradedConnectionsAnUpgradeGets500(SocketPath path)
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, path: path,
            configure: builder => builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxConcurrentUpgradedConnections = 1));
        var alice = await RawClient.ConnectAsync(gateway, "name=alice");

        var refused = await Assert.ThrowsAsync<IOException>(() => RawClient.ConnectAsync(gateway, "name=bob"));
        Assert.StartsWith("upgrade refused: HTTP/1.1 500 ", refused.Message, StringComparison.Ordinal);

        await alice.Socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await alice.ReadToCloseAsync();
        await alice.DisposeAsync();
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await using var bob = await RawClient.ConnectAsync(gateway, "name=bob");
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        });
    }

    [Fact]
    public async Task ASilentConnectionIsHeldNoLongerOnTheDirectPathThanOnKestrels()
    {
        // Kestrel waits KeepAliveTimeout for a first byte, then acts on its next heartbeat (a second). Before, the
        // direct path waited RequestHeadersTimeout itself and then handed the connection to Kestrel's whole wait.
        static void Timeouts(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) => builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(2);
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(5);
        });
        await using var direct = await GatewayHost.StartAsync(cluster.Cluster, configure: Timeouts, path: SocketPath.Direct);
        await using var kestrel = await GatewayHost.StartAsync(cluster.Cluster, configure: Timeouts, path: SocketPath.Kestrel);

        var (onDirect, onKestrel) = (HeldForAsync(direct), HeldForAsync(kestrel));
        var (heldDirect, heldKestrel) = (await onDirect, await onKestrel);

        Assert.InRange(heldDirect, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));
        Assert.InRange(heldKestrel, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(7));
        Assert.True(heldDirect <= heldKestrel + TimeSpan.FromSeconds(1), $"direct {heldDirect}, Kestrel {heldKestrel}");
    }

    private static async Task<TimeSpan> HeldForAsync(GatewayHost gateway)
    {
        using var silent = await ConnectAsync(gateway);
        var clock = Stopwatch.StartNew();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            Assert.Equal(0, await silent.ReceiveAsync(new byte[16], SocketFlags.None, limit.Token));
        }
        catch (SocketException)
        {
            // Reset: ended all the same.
        }

        return clock.Elapsed;
    }

    private static async Task<Socket> ConnectAsync(GatewayHost gateway)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, gateway.Address.Port));
        return socket;
    }

    /// <summary>The status line a health request gets on a new connection, or "closed".</summary>
    private static async Task<string> AnswerAsync(GatewayHost gateway)
    {
        using var socket = await ConnectAsync(gateway);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await socket.SendAsync("GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray(), SocketFlags.None, limit.Token);
            using var answer = new MemoryStream();
            await new NetworkStream(socket).CopyToAsync(answer, limit.Token);
            var text = Encoding.ASCII.GetString(answer.ToArray());
            return text.Length == 0 ? "closed" : text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
        }
        catch (Exception exception) when (exception is SocketException or IOException)
        {
            return "closed";
        }
    }
}
