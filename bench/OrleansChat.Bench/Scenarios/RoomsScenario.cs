using System.Globalization;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Scenarios;

/// <summary>
/// <c>rooms</c>: many small rooms, every client sending at a slow steady rate (500 rooms of 4,
/// 1 message a second each). <c>manyrooms</c> is the same with the load of a busy service:
/// 100 rooms of 10, 2 messages a second each (20,000 deliveries a second).
/// </summary>
internal static class RoomsScenario
{
    public static async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        var busy = context.Scenario == "manyrooms";
        var roomCount = context.Args.GetInt("rooms", context.Scaled(busy ? 100 : 500));
        var perRoom = context.Args.GetInt("clients-per-room", busy ? 10 : 4);
        var rate = context.Args.GetDouble("per-client-rate", busy ? 2 : 1);
        var duration = context.Args.GetDouble("duration", 20);
        var warmup = context.Args.GetDouble("warmup", Math.Min(2, duration / 5));
        context.Args.ThrowIfUnused();

        await using var pool = new ClientPool(context);
        var rooms = Enumerable.Range(0, roomCount).Select(i => context.Room("room", i, i)).ToList();
        var clients = await pool.ConnectAsync("c", roomCount * perRoom, i => rooms[i / perRoom], receivers: true, senders: true);
        if (clients.Count == 0)
        {
            throw new InvalidOperationException($"No client could connect and join: {string.Join("; ", pool.FirstFailures)}");
        }

        // Stagger the first sends over one interval across all rooms.
        using var run = new TrafficRun(context, rooms, pool.SlotCount, new TrafficOptions(SendMode.Steady, rate, warmup, duration));
        var outcome = await run.RunAsync();
        var connect = pool.ConnectLatency.Summarize();
        var metrics = new List<Metric>
        {
            new("clients", clients.Count, "count", "", false),
            new("connect+join p99", connect.P99, "ms", "lower", false),
        };
        metrics.AddRange(TrafficMetrics.From(outcome, "", "deliveries per second", "delivery p50", "delivery p99", "lost by id", "cpu servers"));
        var notes = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{roomCount} rooms × {perRoom} clients, each client sending {rate}/s and receiving its room's messages (its own included); {warmup} s warm-up, {duration} s measured."),
        };
        if (pool.FailureCount > 0)
        {
            notes.Add($"{pool.FailureCount} sockets failed to connect or join: {string.Join("; ", pool.FirstFailures)}");
        }

        return context.Result(metrics, notes, receivers: new Dictionary<string, IReadOnlyList<ReceiverReport>> { ["rooms"] = outcome.Receivers });
    }
}
