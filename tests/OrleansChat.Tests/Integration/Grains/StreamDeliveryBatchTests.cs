using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Grains;

[Collection(ClusterCollection.Name)]
public sealed class StreamDeliveryBatchTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ASubscriberThatFellBehindGetsTheQueuedBatchesInOneDelivery()
    {
        var name = Rooms.New();
        var room = fixture.Client.GetGrain<IChatRoomGrain>(name);
        var stream = fixture.Client.GetStreamProvider(ChatStreams.ProviderName).GetStream<RoomEvent>(ChatStreams.ForRoom(name));
        using var held = new HeldBatchObserver();
        var handle = await stream.SubscribeAsync(held);
        // A client delivers to its stream subscriptions one call at a time, so the unheld probe needs a client of its own.
        await using var gateway = await GatewayHost.StartAsync(fixture.Cluster);
        await using var probe = await StreamProbe.SubscribeAsync(gateway.Services.GetRequiredService<IClusterClient>(), name);
        try
        {
            await room.PostAsync(new PostRequest("alice", "m-1", "one"));
            await held.FirstDeliveryStarted.WaitAsync(TimeSpan.FromSeconds(10));

            // Each post is its own write and its own batch on the stream, queued while the first delivery is held.
            for (var i = 2; i <= 5; i++)
            {
                await room.PostAsync(new PostRequest("alice", $"m-{i}", $"text {i}"));
            }

            // The other subscriber has them all, so the pulling agent's cache holds all four.
            await probe.WaitForAsync(e => e is MessagePosted { Message.Seq: 5 });
            held.Release();
            await held.WaitForSeqAsync(5);

            Assert.Equal([[1L], [2L, 3L, 4L, 5L]], held.Deliveries);
        }
        finally
        {
            held.Release();
            await handle.UnsubscribeAsync();
        }
    }

    /// <summary>A batch observer whose first delivery is held until released; records the seqs of each delivery.</summary>
    private sealed class HeldBatchObserver : IAsyncBatchObserver<RoomEvent>, IDisposable
    {
        private readonly TaskCompletionSource _firstStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentQueue<long[]> _deliveries = new();
        private readonly SemaphoreSlim _delivered = new(0);

        public Task FirstDeliveryStarted => _firstStarted.Task;

        public IReadOnlyList<long[]> Deliveries => [.. _deliveries];

        public void Release() => _release.TrySetResult();

        public async Task WaitForSeqAsync(long seq)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (!_deliveries.Any(d => d.Contains(seq)))
            {
                await _delivered.WaitAsync(timeout.Token);
            }
        }

        public async Task OnNextAsync(IList<SequentialItem<RoomEvent>> items)
        {
            _deliveries.Enqueue([.. items.Select(i => i.Item).OfType<MessagePosted>().Select(p => p.Message.Seq)]);
            _delivered.Release();
            _firstStarted.TrySetResult();
            await _release.Task;
        }

        public Task OnCompletedAsync() => Task.CompletedTask;

        public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

        public void Dispose() => _delivered.Dispose();
    }
}
