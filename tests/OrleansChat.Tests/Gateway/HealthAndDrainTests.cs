using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Gateway.Transport;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Gateway;

/// <summary>Health endpoints and the drain on shutdown, on each socket path.</summary>
public abstract class HealthAndDrainTests(ClusterFixture cluster, SocketPath path)
{
    [Fact]
    public async Task LiveAndReadyAnswer200WhileConnectedToTheCluster()
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, path: path);
        using var http = new HttpClient { BaseAddress = gateway.Address };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task ReadyTurns503WhenTheClusterIsGone()
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, path: path);
        using var http = new HttpClient { BaseAddress = gateway.Address };
        await gateway.KillAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task ShutdownClosesOpenSocketsWith1001AndTheirNamesLeave()
    {
        var room = "room-" + Guid.NewGuid().ToString("N")[..12];
        await using var other = await GatewayHost.StartAsync(cluster.Cluster, path: path);
        await using var bob = await ChatClient.ConnectAsync(other, "bob");
        await bob.JoinAsync(room);
        var gateway = await GatewayHost.StartAsync(cluster.Cluster, path: path);
        await using var alice = await ChatClient.ConnectAsync(gateway, "alice");
        await alice.JoinAsync(room);

        await gateway.StopAsync();

        await alice.WaitForCloseAsync();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, alice.CloseStatus);
        await bob.WaitForAsync(f => f.Type() == "presence" && f.Str("user") == "alice" && f.Str("event") == "leave");
        await gateway.DisposeAsync();
    }

    [Fact]
    public async Task ADrainingGatewayIsNotReadyAndRefusesNewSockets()
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, path: path);
        using var http = new HttpClient { BaseAddress = gateway.Address };

        gateway.Services.GetRequiredService<ConnectionRegistry>().Drain();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
        await Assert.ThrowsAsync<WebSocketException>(() => ChatClient.ConnectAsync(gateway, "late"));
    }
}

/// <summary>Health and drain with upgrades taken before Kestrel.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HealthAndDrainTestsOnDirectSockets(ClusterFixture cluster) : HealthAndDrainTests(cluster, SocketPath.Direct);

/// <summary>Health and drain with every socket through Kestrel's HTTP pipeline.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HealthAndDrainTestsThroughKestrel(ClusterFixture cluster) : HealthAndDrainTests(cluster, SocketPath.Kestrel);
