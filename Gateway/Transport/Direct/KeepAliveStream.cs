using System.Net.Sockets;

namespace OrleansChat.Gateway.Transport.Direct;

/// <summary>
/// The stream under a socket that <see cref="DirectUpgrade"/> took. Reads go straight to the
/// connection's own stream (a <see cref="System.Net.Sockets.NetworkStream"/> over the accepted
/// socket). Writes are copied into a buffer of this socket's that the gateway's
/// <see cref="SendQueue"/> sends, as Kestrel's transport copies them into its output pipe for its
/// I/O queue; an idle socket holds no buffer. <see cref="TrySendPing"/> adds a keep-alive ping
/// between the WebSocket's frames for <see cref="SocketKeepAlive"/>.
/// </summary>
/// <remarks>
/// <para>
/// A write completes at once while less than <see cref="PauseBytes"/> wait to be sent, and
/// otherwise once what waits has gone to the socket (the default of Kestrel's
/// <c>MaxResponseBufferSize</c> and its output pipe's pause threshold): a peer that stops reading
/// holds up its own writer, which is what <see cref="WebSocketConnection"/>'s outbound queue limit
/// counts on, and nothing else.
/// </para>
/// <para>
/// The WebSocket writes one whole frame per write and one write at a time (dotnet/runtime's
/// <c>ManagedWebSocket.SendFrameAsync</c> builds the frame in its send buffer and writes it under
/// its send mutex), so a ping appended under the same lock as a frame always falls between two
/// frames.
/// </para>
/// <para>
/// Disposing disposes the connection's stream (and with it the socket), which ends a pending read
/// or send: <c>ManagedWebSocket.Abort</c>, which the keep-alive's pong timeout and our close
/// timeout call, disposes its stream to end whatever is waiting on the peer (dotnet/runtime's
/// <c>ManagedWebSocket.Dispose</c> → <c>_stream.Dispose()</c>).
/// </para>
/// </remarks>
public sealed class KeepAliveStream(Stream connection, SendQueue sends) : Stream
{
    /// <summary>Bytes waiting to be sent above which a write waits for them to go.</summary>
    public const int PauseBytes = 64 * 1024;

    private const int MinBuffer = 256;

    // RFC 6455 section 5.5.2: FIN and opcode 0x9 (ping), unmasked (server to client), no payload.
    private static readonly byte[] PingFrame = [0x89, 0x00];

    private readonly Lock _sync = new();

    // Guarded by _sync.
    private byte[]? _buffer;
    private int _buffered;
    private bool _sending;
    private TaskCompletionSource? _paused;
    private TaskCompletionSource? _drained;
    private Exception? _failed;
    private bool _disposed;

    private int _reads;

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
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        // One reader at a time (the WebSocket's receive), so a plain add is enough.
        Volatile.Write(ref _reads, _reads + 1);
        return connection.ReadAsync(buffer, cancellationToken);
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Task paused;
        lock (_sync)
        {
            ThrowIfEnded();
            Append(buffer.Span);
            if (_buffered < PauseBytes)
            {
                return default;
            }

            paused = (_paused ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        return new ValueTask(paused.WaitAsync(cancellationToken));
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>
    /// Adds a WebSocket ping after the frames written so far, unless bytes are waiting to be sent
    /// (then they are flowing, or the peer is behind, and the caller tries again later). False when
    /// nothing was added.
    /// </summary>
    public bool TrySendPing()
    {
        lock (_sync)
        {
            if (_disposed || _failed is not null || _sending)
            {
                return false;
            }

            Append(PingFrame);
            return true;
        }
    }

    /// <summary>
    /// Completes once every byte written so far has gone to the socket, or the connection failed or
    /// was disposed. The end of a socket waits for it, so its last frames (the close among them) are
    /// on the wire before the socket is shut, as Kestrel completes its output pipe before it closes.
    /// </summary>
    public Task DrainAsync()
    {
        lock (_sync)
        {
            if (!_sending || _failed is not null)
            {
                return Task.CompletedTask;
            }

            return (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

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

    /// <summary>Sends what is buffered, on <see cref="SendQueue"/>'s turn; the rest follows from the send's completion.</summary>
    internal void SendBuffered() => _ = SendBufferedAsync();

    /// <inheritdoc />
    /// <remarks>
    /// The WebSocket disposes its stream as soon as both close frames have passed
    /// (<c>ManagedWebSocket</c> disposes itself when it sends a close after receiving one), while its
    /// close is still in this stream's buffer. Over a socket, bytes still waiting are sent first: the
    /// read side is shut at once (a pending read ends, as an abort needs), the socket itself once they
    /// are out; <see cref="DirectSocket"/> bounds that wait and closes the socket in the end.
    /// </remarks>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            TaskCompletionSource? paused;
            TaskCompletionSource? drained = null;
            bool sendFirst;
            lock (_sync)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                (paused, _paused) = (_paused, null);
                sendFirst = _sending && connection is NetworkStream;
                if (!sendFirst)
                {
                    (drained, _drained) = (_drained, null);
                    if (!_sending)
                    {
                        ReturnBuffer();
                    }
                }
            }

            paused?.TrySetException(new ObjectDisposedException(nameof(KeepAliveStream)));
            if (sendFirst)
            {
                ShutReads((NetworkStream)connection);
            }
            else
            {
                drained?.TrySetResult();
                connection.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private static void ShutReads(NetworkStream network)
    {
        try
        {
            network.Socket.Shutdown(SocketShutdown.Receive);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    private void ThrowIfEnded()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failed is not null)
        {
            throw new IOException("the connection failed", _failed);
        }
    }

    /// <summary>Copies bytes after those waiting, and queues a send unless one is on its way. Holds _sync.</summary>
    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_buffer is null || _buffer.Length - _buffered < bytes.Length)
        {
            // Most frames are a few hundred bytes; a buffer doubles when more are waiting.
            var larger = sends.Buffers.Rent(Math.Max(_buffered + bytes.Length, Math.Max(MinBuffer, (_buffer?.Length ?? 0) * 2)));
            _buffer?.AsSpan(0, _buffered).CopyTo(larger);
            ReturnBuffer();
            _buffer = larger;
        }

        bytes.CopyTo(_buffer.AsSpan(_buffered));
        _buffered += bytes.Length;
        if (!_sending)
        {
            _sending = true;
            sends.Schedule(this);
        }
    }

    private void ReturnBuffer()
    {
        if (_buffer is not null)
        {
            sends.Buffers.Return(_buffer);
            _buffer = null;
        }
    }

    private async Task SendBufferedAsync()
    {
        while (true)
        {
            byte[] chunk;
            int length;
            TaskCompletionSource? paused;
            var closeNow = false;
            lock (_sync)
            {
                if (_buffered == 0 || _failed is not null)
                {
                    _sending = false;
                    if (_disposed)
                    {
                        ReturnBuffer();
                        closeNow = _failed is null;
                    }

                    (paused, _drained) = (_drained, null);
                    chunk = null!;
                    length = -1;
                }
                else
                {
                    (chunk, length, _buffer, _buffered) = (_buffer!, _buffered, null, 0);
                    (paused, _paused) = (_paused, null);
                }
            }

            if (length < 0)
            {
                // Everything written has gone (or never will): whoever waits for the end may shut the socket.
                if (closeNow)
                {
                    connection.Dispose();
                }

                paused?.TrySetResult();
                return;
            }

            // The writer that waited may write again: its bytes go into a new buffer while these are sent.
            paused?.TrySetResult();
            try
            {
                await connection.WriteAsync(chunk.AsMemory(0, length));
            }
            catch (Exception exception)
            {
                TaskCompletionSource? drained;
                lock (_sync)
                {
                    _failed = exception;
                    _sending = false;
                    (paused, _paused) = (_paused, null);
                    (drained, _drained) = (_drained, null);
                    ReturnBuffer();
                }

                paused?.TrySetException(new IOException("the connection failed", exception));
                drained?.TrySetResult();
                // Ends the WebSocket's pending read too, so the socket's session ends even if it has nothing more to write.
                connection.Dispose();
                return;
            }
            finally
            {
                sends.Buffers.Return(chunk);
            }
        }
    }
}
