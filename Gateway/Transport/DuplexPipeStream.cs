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
/// <para>
/// Disposing wakes a pending read and a pending flush (they end in <see cref="OperationCanceledException"/>):
/// <c>ManagedWebSocket.Abort</c>, which the keep-alive's pong timeout and our close timeout call,
/// disposes its stream to end whatever is waiting on the peer (dotnet/runtime's
/// <c>ManagedWebSocket.Dispose</c> → <c>_stream.Dispose()</c>). The pipes stay Kestrel's: it
/// completes them when the connection ends.
/// </para>
/// <para>
/// <see cref="TrySendPing"/> writes a WebSocket ping between the WebSocket's frames for
/// <see cref="SocketKeepAlive"/>. The WebSocket writes one whole frame per write and one write at a
/// time (dotnet/runtime's <c>ManagedWebSocket.SendFrameAsync</c> builds the frame in its send
/// buffer and writes it under its send mutex), so a ping only has to keep out of a frame's write
/// and a frame out of a ping's: a flag taken with one compare-and-swap per write. The first sweep
/// (45b0769) took a <c>SemaphoreSlim</c> in an async wrapper on every write and every read, and
/// the 1,000-socket fan-out measured slower with it (docs/performance-notes.md, "One keep-alive
/// timer per gateway").
/// </para>
/// </remarks>
public sealed class DuplexPipeStream(IDuplexPipe transport) : Stream
{
    // RFC 6455 section 5.5.2: FIN and opcode 0x9 (ping), unmasked (server to client), no payload.
    private static readonly byte[] PingFrame = [0x89, 0x00];

    private const int NoWriter = 0;
    private const int FrameWriter = 1;
    private const int PingWriter = 2;

    private readonly Stream _input = transport.Input.AsStream(leaveOpen: true);
    private readonly Stream _output = transport.Output.AsStream(leaveOpen: true);
    private int _writer;
    private Task _pingFlush = Task.CompletedTask;
    private int _reads;
    private int _disposed;

    /// <summary>
    /// How many reads the WebSocket has started. It starts the next one once it has used the bytes
    /// of the last, so a count that moved shows the peer sent something in between.
    /// </summary>
    public int Reads => Volatile.Read(ref _reads);

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
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        // One reader at a time (the WebSocket's receive), so a plain add is enough.
        Volatile.Write(ref _reads, _reads + 1);
        return _input.ReadAsync(buffer, cancellationToken);
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Interlocked.CompareExchange(ref _writer, FrameWriter, NoWriter) == NoWriter
            ? WriteHoldingFlag(buffer, cancellationToken)
            : WriteAfterPingAsync(buffer, cancellationToken);
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>
    /// Writes a WebSocket ping between the WebSocket's frames, unless a frame is being written
    /// (then bytes are flowing, and the caller tries again later). False when nothing was sent.
    /// </summary>
    public bool TrySendPing()
    {
        if (Volatile.Read(ref _disposed) != 0 || Interlocked.CompareExchange(ref _writer, PingWriter, NoWriter) != NoWriter)
        {
            return false;
        }

        var flush = WriteHoldingFlag(PingFrame, CancellationToken.None);
        if (flush.IsCompleted)
        {
            flush.GetAwaiter().GetResult();
        }
        else
        {
            // The peer is not reading: frames wait for this ping's flush, as they would for each other's.
            Volatile.Write(ref _pingFlush, flush.AsTask());
        }

        return true;
    }

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken);

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

    /// <summary>Writes with the flag held, and lets it go once the write is flushed (or failed).</summary>
    private ValueTask WriteHoldingFlag(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        ValueTask write;
        try
        {
            write = _output.WriteAsync(buffer, cancellationToken);
        }
        catch
        {
            Volatile.Write(ref _writer, NoWriter);
            throw;
        }

        if (write.IsCompleted)
        {
            Volatile.Write(ref _writer, NoWriter);
            return write;
        }

        return ReleaseAfterAsync(write);
    }

    private async ValueTask ReleaseAfterAsync(ValueTask write)
    {
        try
        {
            await write;
        }
        finally
        {
            Volatile.Write(ref _writer, NoWriter);
        }
    }

    /// <summary>A frame that found a ping being written: waits until the ping is flushed, then writes.</summary>
    private async ValueTask WriteAfterPingAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        while (Interlocked.CompareExchange(ref _writer, FrameWriter, NoWriter) != NoWriter)
        {
            var pingFlush = Volatile.Read(ref _pingFlush);
            if (pingFlush.IsCompleted)
            {
                // The ping is between taking the flag and handing over its flush: a few instructions away.
                await Task.Yield();
            }
            else
            {
                await pingFlush.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                cancellationToken.ThrowIfCancellationRequested();
            }

            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        }

        await WriteHoldingFlag(buffer, cancellationToken);
    }
}
