using System.IO.Pipelines;

namespace OrleansChat.Gateway.Transport;

/// <summary>
/// A connection's pipes as the one <see cref="Stream"/> that <see cref="System.Net.WebSockets.WebSocket.CreateFromStream(Stream, System.Net.WebSockets.WebSocketCreationOptions)"/>
/// takes: reads and writes go to System.IO.Pipelines' own stream adapters
/// (<see cref="PipeReader.AsStream"/>, <see cref="PipeWriter.AsStream"/>), which keep a zero-byte
/// read a wait for data without consuming it and flush every write. Kestrel's own duplex stream
/// is internal.
/// </summary>
/// <remarks>
/// Disposing wakes a pending read and a pending flush (they end in <see cref="OperationCanceledException"/>):
/// <c>ManagedWebSocket.Abort</c>, which the keep-alive's pong timeout and our close timeout call,
/// disposes its stream to end whatever is waiting on the peer (dotnet/runtime's
/// <c>ManagedWebSocket.Dispose</c> → <c>_stream.Dispose()</c>). The pipes stay Kestrel's: it
/// completes them when the connection ends.
/// </remarks>
public sealed class DuplexPipeStream(IDuplexPipe transport) : Stream
{
    // RFC 6455 section 5.5.2: FIN and opcode 0x9 (ping), unmasked (server to client), no payload.
    private static readonly byte[] PingFrame = [0x89, 0x00];

    private readonly Stream _input = transport.Input.AsStream(leaveOpen: true);
    private readonly Stream _output = transport.Output.AsStream(leaveOpen: true);

    // One writer at a time on the output pipe: the WebSocket's frames (it sends one frame per write,
    // one at a time) and the keep-alive's pings. A pipe takes one flush at a time.
    private readonly SemaphoreSlim _writing = new(1, 1);
    private long _lastReadAt = Environment.TickCount64;
    private int _disposed;

    /// <summary>When bytes last came from the peer (<see cref="Environment.TickCount64"/>).</summary>
    public long LastReadAt => Volatile.Read(ref _lastReadAt);

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var read = await _input.ReadAsync(buffer, cancellationToken);
        if (read > 0)
        {
            Volatile.Write(ref _lastReadAt, Environment.TickCount64);
        }

        return read;
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await _output.WriteAsync(buffer, cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>
    /// Writes a WebSocket ping frame between the WebSocket's own frames, unless one of those is
    /// being written (then the caller tries again later). False when nothing was sent.
    /// </summary>
    public bool TrySendPing()
    {
        if (Volatile.Read(ref _disposed) != 0 || !_writing.Wait(0))
        {
            return false;
        }

        ValueTask flush;
        try
        {
            flush = _output.WriteAsync(PingFrame);
        }
        catch
        {
            _writing.Release();
            throw;
        }

        if (flush.IsCompleted)
        {
            _writing.Release();
            flush.GetAwaiter().GetResult();
        }
        else
        {
            _ = ReleaseAfterAsync(flush);
        }

        return true;
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public override void Flush() => throw new NotSupportedException("the connection is written asynchronously only");

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("the connection is read asynchronously only");

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the connection is written asynchronously only");

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    private async Task ReleaseAfterAsync(ValueTask flush)
    {
        try
        {
            await flush;
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The connection is ending; its reader sees that on its own.
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            transport.Input.CancelPendingRead();
            transport.Output.CancelPendingFlush();
        }

        base.Dispose(disposing);
    }
}
