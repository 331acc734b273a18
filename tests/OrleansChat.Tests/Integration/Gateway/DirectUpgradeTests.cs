using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Gateway;

/// <summary>
/// A socket to <c>/ws</c> is taken off the connection before Kestrel's HTTP layer
/// (<c>Chat:Gateway:DirectUpgrade</c>, on by default); every request it does not accept, refusals
/// included, still reaches the HTTP pipeline. What that saves an idle socket is measured in the bench.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DirectUpgradeTests(ClusterFixture cluster)
{
    [Fact]
    public async Task ASocketIsServedWithoutAnHttpRequestAndARefusalByTheHttpPipeline()
    {
        var requests = new WsRequests();
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, configure: requests.Count);

        await using var alice = await ChatClient.ConnectAsync(gateway, "alice", o => o.SetRequestHeader("Origin", $"http://{gateway.Address.Authority}"));
        await alice.JoinAsync(Rooms.New());
        Assert.Equal("welcome", alice.Frames[0].Type());
        Assert.Equal(0, requests.Seen);

        var (badName, _) = await UpgradeRequest.SendAsync(gateway.SocketWithQuery("name=%3Cb%3E"));
        Assert.Equal(HttpStatusCode.BadRequest, badName);
        Assert.Equal(1, requests.Seen);
    }

    [Fact]
    public async Task WithTheDirectUpgradeOffASocketGoesThroughTheHttpPipeline()
    {
        var requests = new WsRequests();
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:DirectUpgrade"] = "false",
        }, requests.Count);

        await using var alice = await ChatClient.ConnectAsync(gateway, "alice");
        await alice.JoinAsync(Rooms.New());

        Assert.Equal(1, requests.Seen);
    }

    [Fact]
    public async Task AConnectionThatNeverSendsARequestIsClosed()
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, configure: builder => builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(1);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(1);
        }));
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await silent.ConnectAsync(new IPEndPoint(IPAddress.Loopback, gateway.Address.Port));

        // Kestrel gives up on it a second or two after its keep-alive timeout; the direct path one second after it.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = await silent.ReceiveAsync(new byte[16], SocketFlags.None, limit.Token);

        Assert.Equal(0, read);
    }

    [Fact]
    public async Task AConnectionSilentForLongerThanTheHeadersTimeoutIsStillServed()
    {
        // Kestrel waits KeepAliveTimeout, not RequestHeadersTimeout, for a connection's first byte; so does the direct path.
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, configure: builder => builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(1);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(30);
        }));
        using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await late.ConnectAsync(new IPEndPoint(IPAddress.Loopback, gateway.Address.Port));

        // The behaviour under test is a span of silence, so the test keeps silent for it.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await late.SendAsync("GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray());
        using var answer = new MemoryStream();
        await new NetworkStream(late).CopyToAsync(answer);

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", Encoding.ASCII.GetString(answer.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFrameSentInTheSameWriteAsTheHeadIsNotLost()
    {
        // The head is only peeked at until the socket is taken; then exactly its bytes are read.
        var requests = new WsRequests();
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, configure: requests.Count);
        var room = Rooms.New();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await using var stream = await RawUpgrade.ConnectAsync(gateway, "alice", cancellationToken: limit.Token,
            sentWithHead: RawUpgrade.ClientFrame(0x81, Encoding.UTF8.GetBytes($"{{\"type\":\"join\",\"room\":\"{room}\"}}")));

        var welcome = await RawUpgrade.ReadFrameAsync(stream, limit.Token);
        var joined = await RawUpgrade.ReadFrameAsync(stream, limit.Token);
        Assert.Contains("\"welcome\"", Encoding.UTF8.GetString(welcome.Payload), StringComparison.Ordinal);
        Assert.Contains($"\"type\":\"joined\",\"room\":\"{room}\"", Encoding.UTF8.GetString(joined.Payload), StringComparison.Ordinal);
        Assert.Equal(0, requests.Seen);
    }

    [Fact]
    public async Task StoppingTheGatewayAbortsADirectSocketThatNeverAnswersItsClose()
    {
        // Kestrel aborts its own connections left at the end of a shutdown; the listener does the same for the sockets it took.
        var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:CloseTimeout"] = "01:00:00",
        }, builder => builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(1)));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var stream = await RawUpgrade.ConnectAsync(gateway, "alice", cancellationToken: limit.Token);

        await gateway.DisposeAsync().AsTask().WaitAsync(limit.Token);

        // The welcome and the 1001 close come first; the close is never answered, and then the socket ends.
        await RawUpgrade.ReadUntilEndedAsync(stream, limit.Token);

        Assert.False(limit.IsCancellationRequested);
    }

    [Fact]
    public async Task AGatewayOnAPortInUseFailsToStartWithKestrelsError()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

        var failure = await Assert.ThrowsAsync<IOException>(() => GatewayHost.StartAsync(cluster.Cluster,
            configure: builder => builder.WebHost.UseUrls($"http://127.0.0.1:{port}")));

        Assert.Contains("address already in use", failure.Message, StringComparison.Ordinal);
    }
}
