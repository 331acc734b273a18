using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Transport;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Gateway;

/// <summary>
/// Kestrel's socket I/O queues come from <c>Chat:Gateway:SocketIOQueues</c>
/// (docs/decisions/0019-one-kestrel-io-queue-on-two-cores.md); what they do to a fan-out is measured only in the bench.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SocketIOQueueTests(ClusterFixture cluster)
{
    [Fact]
    public async Task KestrelRunsSocketsOnHalfAsManyIOQueuesAsProcessorsByDefault()
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster);

        var queues = gateway.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.IOQueueCount;

        Assert.Equal(gateway.Services.GetRequiredService<IOptions<TransportOptions>>().Value.SocketIOQueues, queues);
        Assert.InRange(queues, 1, Math.Max(1, Environment.ProcessorCount / 2));
    }

    [Fact]
    public async Task TheIOQueueCountIsTakenFromConfiguration()
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:SocketIOQueues"] = "3",
        });

        Assert.Equal(3, gateway.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.IOQueueCount);
    }
}
