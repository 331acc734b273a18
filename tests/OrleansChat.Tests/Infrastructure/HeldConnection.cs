namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// A connection's stream whose writes are recorded one by one and, while <see cref="Hold"/> is on,
/// stay pending until <see cref="Release"/>, as a socket's send waits for a peer that is not
/// reading; a write can also be made to fail. Reads wait until the stream is disposed.
/// </summary>
internal sealed class HeldConnection : AsyncOnlyStream
{
    private readonly Lock _sync = new();
    private readonly List<byte[]> _writes = [];
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _held;

    /// <summary>Each write's bytes, in order.</summary>
    public IReadOnlyList<byte[]> Writes
    {
        get
        {
            lock (_sync)
            {
                return [.. _writes];
            }
        }
    }

    /// <summary>The next writes stay pending until <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (_sync)
        {
            _held ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Completes the pending writes (or fails them with <paramref name="failure"/>), and the next ones complete at once.</summary>
    public void Release(Exception? failure = null)
    {
        TaskCompletionSource? held;
        lock (_sync)
        {
            (held, _held) = (_held, null);
        }

        if (failure is null)
        {
            held?.TrySetResult();
        }
        else
        {
            held?.TrySetException(failure);
        }
    }

    /// <summary>Whether the stream was disposed.</summary>
    public bool IsDisposed => _disposed.Task.IsCompleted;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _disposed.Task.WaitAsync(cancellationToken);
        throw new ObjectDisposedException(nameof(HeldConnection));
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            _writes.Add(buffer.ToArray());
            return _held is null ? default : new ValueTask(_held.Task);
        }
    }

    protected override void Dispose(bool disposing)
    {
        _disposed.TrySetResult();
        base.Dispose(disposing);
    }
}
