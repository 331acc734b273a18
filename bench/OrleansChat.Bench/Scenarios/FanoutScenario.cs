using System.Globalization;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Scenarios;

/// <summary>
/// <c>fanout</c>: one room with many receivers. First as fast as the server will go (senders
/// keep a window of messages in flight), then at a steady rate, reporting the tail latency.
/// </summary>
internal static class FanoutScenario
{
    private const double SteadyPerSocket = 8;

    public static async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        var receivers = context.Args.GetInt("receivers", context.Scaled(1000));
        var senders = context.Args.GetInt("senders", context.Scaled(40));
        var window = context.Args.GetInt("window", 2);
        var maxPerSocket = context.Args.GetDouble("per-socket-rate", 9.5);
        var duration = context.Args.GetDouble("duration", 30);
        var warmup = context.Args.GetDouble("warmup", Math.Min(2, duration / 5));
        var steadyRate = context.Args.GetDouble("steady-rate", 100);
        var steadyDuration = context.Args.GetDouble("steady-duration", duration);
        context.Args.ThrowIfUnused();

        await using var pool = new ClientPool(context);
        var room = context.Room("fan", 0, 0);
        var connectedReceivers = await pool.ConnectAsync("r", receivers, _ => room, receivers: true, senders: false);
        var connectedSenders = await pool.ConnectAsync("s", senders, _ => room, receivers: false, senders: true);
        if (connectedReceivers.Count == 0 || connectedSenders.Count == 0)
        {
            throw new InvalidOperationException($"No receiver or no sender could connect and join: {string.Join("; ", pool.FirstFailures)}");
        }

        var connect = pool.ConnectLatency.Summarize();
        var metrics = new List<Metric>
        {
            new("receivers", connectedReceivers.Count, "count", "", false),
            new("sender sockets", connectedSenders.Count, "count", "", false),
            new("connect+join p99", connect.P99, "ms", "lower", false),
            new("offered ceiling", connectedSenders.Count * maxPerSocket * connectedReceivers.Count, "deliveries/s", "", true),
        };
        var notes = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"Saturation phase: {connectedSenders.Count} sender sockets, each with up to {window} messages in flight and at most {maxPerSocket}/s; a message leaves the window once acked and delivered to every receiver, so the server's queues stay bounded. {warmup} s warm-up, {duration} s measured."),
        };
        receivers = connectedReceivers.Count;

        Dictionary<string, IReadOnlyList<ReceiverReport>> perReceiver = [];
        using (var run = new TrafficRun(context, [room], pool.SlotCount, new TrafficOptions(SendMode.Window, maxPerSocket, warmup, duration, window)))
        {
            var outcome = await run.RunAsync();
            metrics.AddRange(TrafficMetrics.From(outcome, "", "deliveries per second", "delivery p50", "delivery p99", "lost by id", "dropped sockets", "cpu servers"));
            perReceiver["window"] = outcome.Receivers;
            room.BaseSeq = run.MaxSeq(room);
        }

        if (steadyRate > 0 && steadyDuration > 0)
        {
            // Stay under the server's 10 sends/s per socket: add sender sockets if too few.
            var needed = (int)Math.Ceiling(steadyRate / SteadyPerSocket) - connectedSenders.Count;
            if (needed > 0)
            {
                connectedSenders.AddRange(await pool.ConnectAsync("t", needed, _ => room, receivers: false, senders: true));
            }

            var perSender = steadyRate / connectedSenders.Count;
            using var steady = new TrafficRun(context, [room], pool.SlotCount, new TrafficOptions(SendMode.Steady, perSender, Math.Min(warmup, 1), steadyDuration));
            var outcome = await steady.RunAsync();
            metrics.AddRange(TrafficMetrics.From(outcome, "steady: ", "deliveries per second", "delivery p50", "delivery p99", "lost by id"));
            perReceiver["steady"] = outcome.Receivers;
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"Steady phase: {steadyRate} msg/s ({perSender:0.##}/s per sender socket) into the same room of {receivers} receivers, {steadyDuration} s measured."));
        }

        if (pool.FailureCount > 0)
        {
            notes.Add($"{pool.FailureCount} sockets failed to connect or join: {string.Join("; ", pool.FirstFailures)}");
        }

        return context.Result(metrics, notes, receivers: perReceiver);
    }
}
