using System.Collections.Concurrent;
using Orleans.Streams;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>Subscribes to a room's stream from the test client and records what it carries.</summary>
public sealed class StreamProbe : IAsyncObserver<RoomEvent>, IAsyncDisposable
{
    private readonly ConcurrentQueue<RoomEvent> _events = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private StreamSubscriptionHandle<RoomEvent>? _handle;

    /// <summary>Everything received so far.</summary>
    public IReadOnlyList<RoomEvent> Events => _events.ToArray();

    /// <summary>Subscribes to the room's stream.</summary>
    public static async Task<StreamProbe> SubscribeAsync(IClusterClient client, string room)
    {
        var probe = new StreamProbe();
        var stream = client.GetStreamProvider(ChatStreams.ProviderName).GetStream<RoomEvent>(ChatStreams.ForRoom(room));
        probe._handle = await stream.SubscribeAsync(probe);
        return probe;
    }

    /// <summary>Waits until a received event matches, or fails after the timeout.</summary>
    public async Task<RoomEvent> WaitForAsync(Func<RoomEvent, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var found = _events.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            await _arrived.WaitAsync(cts.Token);
        }
    }

    public Task OnNextAsync(RoomEvent item, StreamSequenceToken? token = null)
    {
        _events.Enqueue(item);
        _arrived.Release();
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_handle is not null)
        {
            await _handle.UnsubscribeAsync();
        }

        _arrived.Dispose();
    }
}
