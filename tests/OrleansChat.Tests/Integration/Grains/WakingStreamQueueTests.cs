using Orleans.Providers;
using OrleansChat.Grains.Streaming;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Grains;

[Collection(ClusterCollection.Name)]
public sealed class WakingStreamQueueTests(ClusterFixture fixture)
{
    [Fact]
    public void TheMemoryStreamQueuesAreTheLongPollingOnes()
    {
        var queue = fixture.Client.GetGrain<IMemoryStreamQueueGrain>(Guid.NewGuid());
        Assert.Contains("wakingstreamqueue", queue.GetGrainId().Type.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ADequeueWaitingOnAnEmptyQueueIsAnsweredByTheNextEnqueue()
    {
        var queue = fixture.Client.GetGrain<IMemoryStreamQueueGrain>(Guid.NewGuid());
        var waiting = queue.Dequeue(10);
        Assert.False(waiting.IsCompleted);

        await queue.Enqueue(new MemoryMessageData { StreamId = StreamId.Create("room", "r"), Payload = new ArraySegment<byte>([1, 2, 3]) });

        var batch = await waiting.WaitAsync(TimeSpan.FromSeconds(1.5));
        Assert.Equal([1, 2, 3], Assert.Single(batch).Payload.ToArray());
    }

    [Fact]
    public async Task TheEnqueueThatWakesADequeueResumesItBeforeReturning()
    {
        // The class itself, outside a silo: what is checked is that the waiting dequeue is resumed
        // inside the enqueue's own call rather than queued for a thread-pool thread to pick up.
        var queue = new WakingStreamQueueGrain(TimeProvider.System);
        var waiting = queue.Dequeue(10);
        Assert.False(waiting.IsCompleted);

        await queue.Enqueue(new MemoryMessageData { StreamId = StreamId.Create("room", "r"), Payload = new ArraySegment<byte>([4]) });

        Assert.True(waiting.IsCompleted);
        Assert.Equal([4], Assert.Single(await waiting).Payload.ToArray());
    }

    [Fact]
    public async Task ADequeueOnAnEmptyQueueGivesUpAfterTheLongPoll()
    {
        var queue = fixture.Client.GetGrain<IMemoryStreamQueueGrain>(Guid.NewGuid());
        Assert.Empty(await queue.Dequeue(10));
    }
}
