using System.IO.Pipelines;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// A connection's stream made of two in-memory pipes, for the stream and keep-alive under a
/// directly upgraded socket: a write waits while the peer has not read what is over the output
/// pipe's pause threshold, as a socket's send waits while its send buffer is full; disposing it
/// ends a pending read or write, as disposing a socket does.
/// </summary>
internal sealed class PipeConnection(PipeReader input, PipeWriter output) : AsyncOnlyStream
{
    private readonly Stream _input = input.AsStream(leaveOpen: true);
    private readonly Stream _output = output.AsStream(leaveOpen: true);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _input.ReadAsync(buffer, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _output.WriteAsync(buffer, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            input.CancelPendingRead();
            output.CancelPendingFlush();
        }

        base.Dispose(disposing);
    }
}
