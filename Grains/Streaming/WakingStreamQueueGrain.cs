using Orleans.Concurrency;
using Orleans.Providers;

namespace OrleansChat.Grains.Streaming;

/// <summary>
/// Stands in for Orleans' <see cref="MemoryStreamQueueGrain"/> behind the memory stream provider.
/// Orleans' pulling agent asks its queue for events on a timer (100 ms by default); polling often
/// enough for chat latency costs CPU when nothing happens. This queue answers a <c>Dequeue</c> on
/// an empty queue only when an event arrives or a long-poll timeout passes, so the agent is woken
/// by the first enqueue instead of its next tick, and an idle room costs one call per timeout.
/// It is reentrant so that <c>Enqueue</c> runs while a <c>Dequeue</c> waits.
/// </summary>
[Reentrant]
public sealed class WakingStreamQueueGrain(TimeProvider time) : Grain, IMemoryStreamQueueGrain
{
    /// <summary>How long an empty <c>Dequeue</c> waits for an event before returning nothing.</summary>
    public static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(2);

    // The same bound as Orleans' memory queue: a queue whose agent is gone must not grow without limit.
    private const int MaxEvents = 16384;

    private readonly Queue<MemoryMessageData> _events = new();
    private long _sequenceNumber = time.GetUtcNow().UtcTicks;
    private TaskCompletionSource? _arrived;

    /// <inheritdoc />
    public Task Enqueue(MemoryMessageData data) => Enqueue(data, CancellationToken.None);

    /// <inheritdoc />
    public Task Enqueue(MemoryMessageData data, CancellationToken cancellationToken)
    {
        if (_events.Count >= MaxEvents)
        {
            throw new InvalidOperationException($"the stream queue holds {MaxEvents} events already");
        }

        data.SequenceNumber = _sequenceNumber++;
        _events.Enqueue(data);
        _arrived?.TrySetResult();
        _arrived = null;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<List<MemoryMessageData>> Dequeue(int maxCount) => Dequeue(maxCount, CancellationToken.None);

    /// <inheritdoc />
    public async Task<List<MemoryMessageData>> Dequeue(int maxCount, CancellationToken cancellationToken)
    {
        if (_events.Count == 0)
        {
            // Continuations run synchronously: the enqueue that completes this resumes the waiting
            // dequeue in its own turn on the grain's scheduler, so the agent gets its answer without
            // two thread-pool hops (WaitAsync's promise, then the grain's scheduler) in between.
            _arrived ??= new TaskCompletionSource();
            // An idle queue times out every LongPoll: awaiting without throwing keeps that from costing
            // an exception each time. Either way (nothing arrived, or the agent is stopping) the answer
            // is whatever the queue holds, possibly nothing; the continuation stays on the grain's scheduler.
            await _arrived.Task.WaitAsync(LongPoll, time, cancellationToken)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }

        var batch = new List<MemoryMessageData>(Math.Min(maxCount, _events.Count));
        while (batch.Count < maxCount && _events.TryDequeue(out var data))
        {
            batch.Add(data);
        }

        return batch;
    }
}
