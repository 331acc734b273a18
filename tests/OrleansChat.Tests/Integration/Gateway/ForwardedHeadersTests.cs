using System.Net;
using System.Net.WebSockets;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Gateway;

/// <summary>
/// Behind an ingress that ends TLS, a page served over https opens <c>/ws</c> with an https
/// <c>Origin</c>, and the gateway sees plain HTTP with <c>X-Forwarded-Proto</c>/<c>-Host</c>. It
/// believes them from a trusted proxy only (<c>Chat:Gateway:ForwardedHeaders</c>), on both socket
/// paths: the direct upgrade and the HTTP pipeline.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ForwardedHeadersTests(ClusterFixture cluster)
{
    private const string PageOrigin = "https://chat.example.test";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnHttpsPageBehindATrustedProxyIsAdmittedByItsOwnOrigin(bool directUpgrade)
    {
        var requests = new WsRequests();
        // The tests connect from loopback, so loopback is the trusted proxy here.
        await using var gateway = await StartAsync(directUpgrade, "127.0.0.0/8", requests);

        await using var alice = await ChatClient.ConnectAsync(gateway, "alice", Forwarded);
        await alice.JoinAsync(Rooms.New());

        Assert.Equal("welcome", alice.Frames[0].Type());
        // Taken by the path under test: before Kestrel (no request in the pipeline), or by the pipeline.
        Assert.Equal(directUpgrade ? 0 : 1, requests.Seen);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FromAPeerThatIsNotATrustedProxyTheForwardedHeadersAreIgnored(bool directUpgrade)
    {
        var requests = new WsRequests();
        await using var gateway = await StartAsync(directUpgrade, "10.0.0.0/8", requests);

        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        Forwarded(socket.Options);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(gateway.Socket("alice"), CancellationToken.None));

        // The gateway's own origin stays http://127.0.0.1:port, so the https page is a foreign origin.
        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
        Assert.Equal(1, requests.Seen);
    }

    [Fact]
    public async Task AMalformedTrustedNetworkStopsTheGatewayAtStartWithItsName()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(true, "10.0.0.0/33", new WsRequests()));

        Assert.Contains("Chat:Gateway:ForwardedHeaders:KnownNetworks entry '10.0.0.0/33'", failure.Message, StringComparison.Ordinal);
    }

    private static void Forwarded(ClientWebSocketOptions options)
    {
        options.SetRequestHeader("Origin", PageOrigin);
        options.SetRequestHeader("X-Forwarded-Proto", "https");
        options.SetRequestHeader("X-Forwarded-Host", "chat.example.test");
        options.SetRequestHeader("X-Forwarded-For", "203.0.113.7");
    }

    private Task<GatewayHost> StartAsync(bool directUpgrade, string trustedNetwork, WsRequests requests) =>
        GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:DirectUpgrade"] = directUpgrade ? "true" : "false",
            ["Chat:Gateway:ForwardedHeaders:KnownNetworks:0"] = trustedNetwork,
        }, requests.Count);
}
