using System.Buffers;
using System.IO.Pipelines;
using OrleansChat.Gateway.Transport;

namespace OrleansChat.Tests.Transport;

/// <summary>The stream under a directly upgraded socket: one writer at a time, pings between frames, reads seen.</summary>
public sealed class DuplexPipeStreamTests
{
    private static readonly byte[] Frame = [0x81, 0x0E, .. "{\"type\":\"x\"} "u8];

    [Fact]
    public async Task APingWaitsWhileAFrameIsWaitingForThePeerToRead()
    {
        var toPeer = new Pipe(new PipeOptions(pauseWriterThreshold: 8, resumeWriterThreshold: 4, useSynchronizationContext: false));
        using var stream = new DuplexPipeStream(new Transport(new Pipe().Reader, toPeer.Writer));

        var write = stream.WriteAsync(Frame);
        Assert.False(write.IsCompleted);
        Assert.False(stream.TrySendPing());

        Assert.Equal(Frame, await ReadAllAsync(toPeer.Reader));
        await write;
        Assert.True(stream.TrySendPing());
        Assert.Equal(new byte[] { 0x89, 0x00 }, await ReadAllAsync(toPeer.Reader));
    }

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

    private static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        var read = await reader.ReadAsync();
        var bytes = read.Buffer.ToArray();
        reader.AdvanceTo(read.Buffer.End);
        return bytes;
    }

    private sealed record Transport(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
