using OrleansChat.Bench.Tests.Infrastructure;

namespace OrleansChat.Bench.Tests.EndToEnd;

/// <summary>The latency scenario against bench/Baseline in this process: an honest server, so the bench must find nothing wrong.</summary>
public sealed class BaselineLatencyTests
{
    private const int Receivers = 4;

    [Fact]
    public async Task EveryReceiverGetsEveryMessageOnceAndInOrder()
    {
        await using var server = await BaselineServer.StartAsync();

        var (result, output) = await ScenarioRun.RunAsync(
            "latency",
            server.Address,
            "--receivers", $"{Receivers}", "--rate", "24", "--per-socket-rate", "8", "--warmup", "0.5", "--duration", "1.5");

        // 24 msg/s at 8 per socket is three sender sockets, each sending every 1/8 s from its start
        // (staggered by less than one interval) until 2 s have passed: 16 each.
        const int sent = 48;
        Assert.Equal(sent, result.Metric("sent"));
        Assert.Equal(sent, result.Metric("acked"));
        Assert.Equal(0, result.Metric("failed (error reply)"));
        Assert.Equal(0, result.Metric("unacked at end"));
        Assert.Equal(sent * Receivers, result.Metric("expected deliveries"));
        result.AssertNone(output, "lost by id", "lost by seq", "out of order by seq", "out of order by id", "duplicates by id", "receivers with loss", "dropped sockets");

        var receivers = result.Receivers!["latency"];
        Assert.Equal(Receivers, receivers.Count);
        Assert.All(receivers, r => Assert.Equal((sent, 0L, 0L, 0L, 0L, 0L, 0L, false), (r.Received, r.LostById, r.LostBySeq, r.OutOfOrderBySeq, r.OutOfOrderById, r.DuplicatesById, r.GapsBySeq, r.Dropped)));
        Assert.Equal(sent * Receivers, receivers.Sum(r => r.Received));

        // Only messages sent after the warm-up are timed, each once per receiver.
        Assert.InRange(result.Metric("deliveries measured"), 1, sent * Receivers);
        Assert.True(result.Metric("delivery p50") > 0);
        Assert.True(result.Metric("ack p50") > 0);
    }
}
