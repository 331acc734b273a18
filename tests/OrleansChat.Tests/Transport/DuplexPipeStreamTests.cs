using System.Buffers;
using System.IO.Pipelines;
using OrleansChat.Gateway.Transport;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Transport;

/// <summary>The stream under a directly upgraded socket: pings between frames, reads counted.</summary>
public sealed class DuplexPipeStreamTests
{
    private static readonly byte[] Frame = [0x81, 0x0E, .. "{\"type\":\"x\"} "u8];
    private static readonly byte[] Ping = [0x89, 0x00];

    [Fact]
    public async Task NoPingGoesOutWhileAFrameWaitsForThePeerToRead()
    {
        var toPeer = new Pipe(new PipeOptions(pauseWriterThreshold: 8, resumeWriterThreshold: 4, useSynchronizationContext: false));
        using var stream = new DuplexPipeStream(new PipeTransport(new Pipe().Reader, toPeer.Writer));

        var write = stream.WriteAsync(Frame);
        Assert.False(write.IsCompleted);
        Assert.False(stream.TrySendPing());

        Assert.Equal(Frame, await ReadAllAsync(toPeer.Reader));
        await write;
        Assert.True(stream.TrySendPing());
        Assert.Equal(Ping, await ReadAllAsync(toPeer.Reader));
    }

    [Fact]
    public async Task AFrameWaitsForAPingThePeerHasNotReadAndFollowsIt()
    {
        // Room for less than a ping: its flush waits until the peer reads.
        var toPeer = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1, useSynchronizationContext: false));
        using var stream = new DuplexPipeStream(new PipeTransport(new Pipe().Reader, toPeer.Writer));

        Assert.True(stream.TrySendPing());
        var write = stream.WriteAsync(Frame);
        Assert.False(write.IsCompleted);

        // Had the frame gone into the pipe beside the waiting ping, it would be read with it here.
        Assert.Equal(Ping, await ReadAllAsync(toPeer.Reader));
        Assert.Equal(Frame, await ReadAllAsync(toPeer.Reader));
        await write;
    }

    [Fact]
    public async Task ReadsCountsTheReadsStartedSoThatAnAnswerToAPingShows()
    {
        var fromPeer = new Pipe();
        using var stream = new DuplexPipeStream(new PipeTransport(fromPeer.Reader, new Pipe().Writer));
        var buffer = new byte[16];

        var first = stream.ReadAsync(buffer);
        var before = stream.Reads;
        await fromPeer.Writer.WriteAsync(new byte[] { 0x8A, 0x80, 1, 2, 3, 4 });
        Assert.Equal(6, await first);
        Assert.Equal(before, stream.Reads);

        // The WebSocket starts its next read once it has used the bytes: that is what the keep-alive sees.
        var second = stream.ReadAsync(buffer);
        Assert.Equal(before + 1, stream.Reads);
        await fromPeer.Writer.CompleteAsync();
        Assert.Equal(0, await second);
    }

    [Fact]
    public async Task AZeroByteReadWaitsForBytesWithoutTakingThem()
    {
        // The socket's read loop waits this way, so that an idle socket holds no receive buffer.
        var fromPeer = new Pipe();
        using var stream = new DuplexPipeStream(new PipeTransport(fromPeer.Reader, new Pipe().Writer));

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
}
