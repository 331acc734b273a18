using OrleansChat.Bench.Tests.Infrastructure;

namespace OrleansChat.Bench.Tests.EndToEnd;

/// <summary>
/// Scenarios against a server that acks every message but misdelivers to some receivers (in their
/// room, or with another room's messages): the bench must report exactly that, receiver by receiver
/// and in the totals.
/// </summary>
public sealed class FaultyServerTests
{
    [Fact]
    public async Task TheBenchReportsExactlyTheLossTheSwapAndTheRepeatTheServerMade()
    {
        // Receivers are named ...-r0-0, -r0-1, -r0-2 (role "r0-", then the index).
        await using var server = await FaultyChatServer.StartAsync(new Dictionary<string, Misdelivery>
        {
            ["-r0-0"] = new(Drop: [5], Delay: [10], Repeat: []),
            ["-r0-1"] = new(Drop: [], Delay: [], Repeat: [7]),
        });

        // One sender socket at 10/s for 2 s: 20 messages, seqs 1 to 20 in the order they were sent.
        // The drain is short: the receiver missing a message never catches up, and the bench waits the drain out.
        var (result, _) = await ScenarioRun.RunAsync(
            "latency",
            server.Address,
            "--receivers", "3", "--rate", "10", "--per-socket-rate", "10", "--warmup", "0.5", "--duration", "1.5", "--drain", "1");

        const int sent = 20;
        Assert.Equal(sent, server.Posted);
        Assert.Equal((sent, sent, 3.0 * sent), (result.Metric("sent"), result.Metric("acked"), result.Metric("expected deliveries")));

        // r0-0 got 1-4, 6-9, 11, 10, 12-20: seq 5 lost (by id and by seq), 10 after 11 out of order (both
        // by seq and, one sender, by id), and two jumps (4 -> 6, 9 -> 11).
        var swapped = result.Receiver("-r0-0");
        Assert.Equal((19L, 1L, 1L, 1L, 1L, 0L, 2L), (swapped.Received, swapped.LostById, swapped.LostBySeq, swapped.OutOfOrderBySeq, swapped.OutOfOrderById, swapped.DuplicatesById, swapped.GapsBySeq));

        // r0-1 got 7 twice: one duplicate, which counts as out of order by seq (not above the last seq), nothing lost.
        var repeated = result.Receiver("-r0-1");
        Assert.Equal((21L, 0L, 0L, 1L, 0L, 1L, 0L), (repeated.Received, repeated.LostById, repeated.LostBySeq, repeated.OutOfOrderBySeq, repeated.OutOfOrderById, repeated.DuplicatesById, repeated.GapsBySeq));

        var clean = result.Receiver("-r0-2");
        Assert.Equal((20L, 0L, 0L, 0L, 0L, 0L, 0L), (clean.Received, clean.LostById, clean.LostBySeq, clean.OutOfOrderBySeq, clean.OutOfOrderById, clean.DuplicatesById, clean.GapsBySeq));

        Assert.Equal(1, result.Metric("lost by id"));
        Assert.Equal(1, result.Metric("lost by seq"));
        Assert.Equal(2, result.Metric("out of order by seq"));
        Assert.Equal(1, result.Metric("out of order by id"));
        Assert.Equal(1, result.Metric("duplicates by id"));
        Assert.Equal(1, result.Metric("receivers with loss"));
        Assert.Equal(0, result.Metric("dropped sockets"));
    }

    [Fact]
    public async Task OneRoomWaitsForAMessageThatComesLateAndOutOfOrderInsteadOfCountingItLost()
    {
        // Receiver r0 gets seq 1 half a second after its turn: after every later seq, when posting has stopped.
        await using var server = await FaultyChatServer.StartAsync(new Dictionary<string, Misdelivery>
        {
            ["-r0"] = new(Drop: [], Delay: [], Repeat: [], Late: [1]),
        });

        var (result, output) = await ScenarioRun.RunAsync(
            "oneroom",
            server.Address,
            "--receivers", "2", "--clients", "1", "--window", "2", "--warmup", "0", "--duration", "0.2", "--drain", "2");

        var acked = (long)result.Metric("acked");
        Assert.True(acked > 1, output);
        Assert.Equal(server.Posted, acked);

        // Late, not lost: r0 has every message once, seq 1 after the others (one out of order by seq).
        var late = result.Receiver("-r0");
        Assert.Equal((acked, 0L, 0L, 1L, 0L), (late.Received, late.LostById, late.LostBySeq, late.OutOfOrderBySeq, late.DuplicatesById));
        var clean = result.Receiver("-r1");
        Assert.Equal((acked, 0L, 0L, 0L, 0L), (clean.Received, clean.LostById, clean.LostBySeq, clean.OutOfOrderBySeq, clean.DuplicatesById));
        result.AssertNone(output, "lost by id", "lost by seq", "failed (not 201)");
    }

    [Fact]
    public async Task AnotherRoomsMessagesAreCountedApartAndDoNotDisturbTheReceiversOwnRoom()
    {
        // Two rooms of two clients (c0, c1 in the first; c2, c3 in the second). c0 also gets the
        // second room's messages with seq 3 and 5, which its own room has too.
        await using var server = await FaultyChatServer.StartAsync(new Dictionary<string, Misdelivery>
        {
            ["-c0"] = new(Drop: [], Delay: [], Repeat: [], Leak: [3, 5]),
        });

        // Every client sends 4/s for 2 s: 8 each, 16 into each room.
        var (result, output) = await ScenarioRun.RunAsync(
            "rooms",
            server.Address,
            "--rooms", "2", "--clients-per-room", "2", "--per-client-rate", "4", "--warmup", "0.5", "--duration", "1.5", "--drain", "1");

        const int perRoom = 16;
        Assert.Equal((2.0 * perRoom, 2.0 * perRoom, 4.0 * perRoom), (result.Metric("sent"), result.Metric("acked"), result.Metric("expected deliveries")));
        Assert.Equal(2, result.Metric("delivered to another room"));

        // c0's own room is counted as if nothing had happened: every message once, in order.
        var leaky = result.Receiver("-c0");
        Assert.Equal((16L, 0L, 0L, 0L, 0L, 0L, 0L), (leaky.Received, leaky.LostById, leaky.LostBySeq, leaky.OutOfOrderBySeq, leaky.OutOfOrderById, leaky.DuplicatesById, leaky.GapsBySeq));
        result.AssertNone(output, "lost by id", "lost by seq", "out of order by seq", "out of order by id", "duplicates by id");
    }

    [Fact]
    public async Task ARepeatDoesNotEndTheDrainBeforeALateMessageArrives()
    {
        // The receiver gets seq 7 twice and seq 20, the last, half a second late: when sending stops it
        // has 20 frames for 20 acked messages, but only 19 different ones. The drain must wait for the
        // 20th instead of counting frames, or seq 20 is reported lost.
        await using var server = await FaultyChatServer.StartAsync(new Dictionary<string, Misdelivery>
        {
            ["-r0-0"] = new(Drop: [], Delay: [], Repeat: [7], Late: [20]),
        });

        var (result, _) = await ScenarioRun.RunAsync(
            "latency",
            server.Address,
            "--receivers", "1", "--rate", "10", "--per-socket-rate", "10", "--warmup", "0.5", "--duration", "1.5", "--drain", "5");

        var late = result.Receiver("-r0-0");
        Assert.Equal((21L, 0L, 0L, 1L), (late.Received, late.LostById, late.LostBySeq, late.DuplicatesById));
        Assert.Equal(0, result.Metric("lost by id"));
    }
}
