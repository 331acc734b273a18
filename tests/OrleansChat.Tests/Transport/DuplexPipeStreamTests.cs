using System.IO.Pipelines;
using OrleansChat.Gateway.Transport;

namespace OrleansChat.Tests.Transport;

/// <summary>The stream under a directly upgraded socket.</summary>
public sealed class DuplexPipeStreamTests
{
    [Fact]
    public async Task AZeroByteReadWaitsForBytesWithoutTakingThem()
    {
        // The socket's read loop waits this way, so that an idle socket holds no receive buffer.
        var fromPeer = new Pipe();
        using var stream = new DuplexPipeStream(new Transport(fromPeer.Reader, new Pipe().Writer));

        var peek = stream.ReadAsync(Memory<byte>.Empty);
        Assert.False(peek.IsCompleted);
        await fromPeer.Writer.WriteAsync(new byte[] { 0x8A, 0x80, 1, 2, 3, 4 });

        Assert.Equal(0, await peek);
        var buffer = new byte[16];
        Assert.Equal(6, await stream.ReadAsync(buffer));
        Assert.Equal(new byte[] { 0x8A, 0x80, 1, 2, 3, 4 }, buffer[..6]);
    }

    private sealed record Transport(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
