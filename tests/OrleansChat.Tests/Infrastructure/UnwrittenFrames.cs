namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// The messages a gateway took for its one socket but has not written to it: what waits in the socket's outbound
/// queue once the buffers below it (the gateway's 64 KiB, the kernel's send buffer) are full. Read from the
/// gateway's own instruments, the messages it fanned out (<c>chat.gateway.delivery.latency</c> times each once)
/// less the frames it wrote (<c>chat.gateway.frames.sent</c>), so it holds only while that gateway has one
/// socket, in one room; a frame of another kind written meanwhile makes it count fewer, never more.
/// </summary>
public sealed class UnwrittenFrames : IDisposable
{
    private readonly GatewayCount _delivered;
    private readonly GatewayCount _written;

    /// <summary>Starts counting on <paramref name="gateway"/>; make it once its one socket has joined its room.</summary>
    public UnwrittenFrames(GatewayHost gateway)
    {
        _delivered = new GatewayCount(gateway, "chat.gateway.delivery.latency");
        _written = new GatewayCount(gateway, "chat.gateway.frames.sent");
    }

    /// <summary>Messages not written yet: queued, or the one in a write that has not completed.</summary>
    public long Waiting => _delivered.Measurements - _written.Total;

    /// <summary>
    /// Posts large messages to <paramref name="room"/> until at least <paramref name="frames"/> wait and a whole round
    /// reached the gateway without one frame written: the socket takes nothing more, rather than a busy machine's
    /// sender being behind. Returns how many were posted.
    /// </summary>
    public Task<int> PostUntilQueuedAsync(IClusterClient client, string room, int frames)
    {
        var writtenBefore = -1L;
        return LargeMessages.PostUntilAsync(
            client,
            room,
            async total =>
            {
                await Eventually.TrueAsync(() => Task.FromResult(_delivered.Measurements >= total), TimeSpan.FromSeconds(60));
                var written = _written.Total;
                var stuck = written == writtenBefore && Waiting >= frames;
                writtenBefore = written;
                return stuck;
            },
            $"fewer than {frames} frames waited in the gateway's queue",
            round: 50);
    }

    public void Dispose()
    {
        _delivered.Dispose();
        _written.Dispose();
    }
}
