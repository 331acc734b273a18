using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansChat.Cluster.Tests.Infrastructure;

namespace OrleansChat.Cluster.Tests;

/// <summary>The Redis profile on a real redis-server: a silo process with Redis membership and storage.</summary>
public sealed class RedisProfileTests
{
    private const string ServiceId = "redis-profile-test";

    [Fact]
    public async Task A_rooms_history_survives_a_kill_and_restart_of_its_silo_process()
    {
        using var redis = await RedisServer.StartAsync();
        var environment = Programs.RedisSilo(redis.ConnectionString, ServiceId);

        var silo = Programs.StartSilo(environment);
        try
        {
            await silo.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(90));
            using var host = await StartClientAsync(redis.ConnectionString);
            var room = host.Services.GetRequiredService<IClusterClient>().GetGrain<IChatRoomGrain>("durable");

            // 100 messages: past the first 64-message chunk, so the head and two chunks are stored.
            for (var i = 1; i <= 100; i++)
            {
                var result = await room.PostAsync(new PostRequest("alice", $"m-{i}", $"message {i} ✓"));
                Assert.Equal(i, result.Seq);
            }

            var before = await room.GetHistoryAsync(0, 1000);
            using (var connection = await redis.ConnectAsync())
            {
                var keys = connection.GetServer(redis.ConnectionString).Keys(pattern: $"{ServiceId}/state/*durable*").Select(k => k.ToString()).ToArray();
                Assert.Contains(keys, k => k.EndsWith("/room-head", StringComparison.Ordinal));
                Assert.Equal(2, keys.Count(k => k.Contains("/room-chunk-", StringComparison.Ordinal)));
            }

            silo.Kill();
            silo.Dispose();
            silo = Programs.StartSilo(environment);
            await silo.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(90));

            // The client finds the new silo through Redis; calls fail until it has.
            var after = await Retry(() => room.GetHistoryAsync(0, 1000));
            Assert.Equal(before.Epoch, after.Epoch);
            Assert.Equal(100, after.LatestSeq);
            Assert.Equal(before.Messages.Select(m => (m.Seq, m.Id, m.User, m.Text)), after.Messages.Select(m => (m.Seq, m.Id, m.User, m.Text)));

            // The idempotence index came back too: a repeat of a stored id is a duplicate, a new one gets 101.
            Assert.Equal(new PostResult(PostStatus.Duplicate, 100), await room.PostAsync(new PostRequest("alice", "m-100", "again")));
            Assert.Equal(new PostResult(PostStatus.Stored, 101), await room.PostAsync(new PostRequest("alice", "m-101", "after the restart")));
        }
        finally
        {
            silo.Dispose();
        }
    }

    private static async Task<IHost> StartClientAsync(string redis)
    {
        var host = Host.CreateDefaultBuilder()
            .UseOrleansClient(client =>
            {
                client.UseRedisClustering(redis);
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ServiceId, ServiceId));
                client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
            })
            .Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<T> Retry<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
