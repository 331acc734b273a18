using System.Globalization;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Scenarios;

/// <summary>
/// <c>latency</c>: receivers and one logical sender in one room, the sender spread over enough
/// sockets to stay under the server's 10 messages/s per socket; delivery latency from each send
/// to each receive, ack latency, and loss and order per receiver.
/// </summary>
internal static class LatencyScenario
{
    public static async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        var receivers = context.Args.GetInt("receivers", context.Scaled(50));
        var rate = context.Args.GetDouble("rate", 200);
        var perSocket = context.Args.GetDouble("per-socket-rate", 8);
        var duration = context.Args.GetDouble("duration", 20);
        var warmup = context.Args.GetDouble("warmup", Math.Min(2, duration / 5));
        context.Args.ThrowIfUnused();

        var (outcome, notes) = await MeasureAsync(context, 0, receivers, rate, perSocket, warmup, duration);
        var metrics = TrafficMetrics.From(outcome, "", "delivery p50", "delivery p90", "delivery p99", "delivery max", "ack p50", "ack p99", "lost by id", "lost by seq", "out of order by seq", "cpu servers");
        return context.Result(metrics, notes, receivers: new Dictionary<string, IReadOnlyList<ReceiverReport>> { ["latency"] = outcome.Receivers });
    }

    /// <summary>One steady-rate run into a fresh room; also each step of the sweep.</summary>
    public static async Task<(TrafficOutcome Outcome, List<string> Notes)> MeasureAsync(
        ScenarioContext context, int step, int receivers, double rate, double perSocket, double warmup, double duration)
    {
        await using var pool = new ClientPool(context);
        var room = context.Room("lat", 0, step);
        var senders = Math.Max(1, (int)Math.Ceiling(rate / perSocket));
        var connectedReceivers = await pool.ConnectAsync($"r{step}-", receivers, _ => room, receivers: true, senders: false);
        var connectedSenders = await pool.ConnectAsync($"s{step}-", senders, _ => room, receivers: false, senders: true);
        if (connectedReceivers.Count == 0 || connectedSenders.Count == 0)
        {
            throw new InvalidOperationException($"No receiver or no sender could connect and join: {string.Join("; ", pool.FirstFailures)}");
        }

        using var run = new TrafficRun(context, [room], pool.SlotCount, new TrafficOptions(SendMode.Steady, rate / connectedSenders.Count, warmup, duration));
        var outcome = await run.RunAsync();
        var notes = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{rate} msg/s from {connectedSenders.Count} sender sockets ({rate / connectedSenders.Count:0.##}/s each) to {connectedReceivers.Count} receivers in one room; {warmup} s warm-up not measured, then {duration} s measured."),
            "Sender sockets are joined to the room too, so each message is delivered to receivers + senders sockets; only receivers are measured.",
        };
        if (pool.FailureCount > 0)
        {
            notes.Add($"{pool.FailureCount} sockets failed to connect or join: {string.Join("; ", pool.FirstFailures)}");
        }

        return (outcome, notes);
    }
}
