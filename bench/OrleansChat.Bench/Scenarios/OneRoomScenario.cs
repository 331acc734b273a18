using System.Globalization;
using OrleansChat.Bench.Measure;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Scenarios;

/// <summary>
/// <c>oneroom</c>: as many acknowledged sends into one room as the server takes. A socket may
/// send only 10 messages a second and every socket in the room receives every message, so the
/// load comes over the HTTP API instead (<c>POST /api/rooms/{room}/messages</c>, which answers
/// 201 only once the message is stored), from keep-alive connections each with one post in
/// flight, while a few WebSocket receivers in the room check that every acknowledged message
/// arrives, once, in seq order.
/// </summary>
internal static class OneRoomScenario
{
    public static async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        var receivers = context.Args.GetInt("receivers", 4);
        var clients = context.Args.GetInt("clients", context.Scaled(4));
        var window = context.Args.GetInt("window", 16);
        var duration = context.Args.GetDouble("duration", 15);
        var warmup = context.Args.GetDouble("warmup", Math.Min(2, duration / 5));
        var apiKey = context.Args.GetString("api-key", "bench-api-key");
        context.Args.ThrowIfUnused();

        await using var pool = new ClientPool(context);
        var room = context.Room("one", 0, 0);
        var connected = await pool.ConnectAsync("r", receivers, _ => room, receivers: true, senders: false);
        if (connected.Count == 0)
        {
            throw new InvalidOperationException($"No receiver could connect and join: {string.Join("; ", pool.FirstFailures)}");
        }

        var capacity = (int)Math.Min(50_000_000, 50_000 * (warmup + duration + 5));
        using var run = new OneRoomRun(context, room, apiKey, clients, window, capacity);
        var outcome = await run.RunAsync(warmup, duration);
        var metrics = new List<Metric>
        {
            new("acked sends per second", outcome.AckedPerSecond, "msg/s", "higher", true),
            new("ack p50", outcome.Ack.P50, "ms", "lower", true),
            new("ack p99", outcome.Ack.P99, "ms", "lower", true),
            new("ack max", outcome.Ack.Max, "ms", "lower", false),
            new("delivery p50", outcome.Delivery.P50, "ms", "lower", false),
            new("delivery p99", outcome.Delivery.P99, "ms", "lower", false),
            new("sent", outcome.Sent, "count", "", false),
            new("acked", outcome.Acked, "count", "", false),
            new("failed (not 201)", outcome.Failed, "count", "lower", true),
            new("lost by id", outcome.Receivers.Sum(r => r.LostById), "count", "lower", true),
            new("lost by seq", outcome.Receivers.Sum(r => r.LostBySeq), "count", "lower", true),
            new("out of order by seq", outcome.Receivers.Sum(r => r.OutOfOrderBySeq), "count", "lower", true),
            new("duplicates by id", outcome.Receivers.Sum(r => r.DuplicatesById), "count", "lower", false),
        };
        foreach (var (process, percent) in outcome.CpuPercent)
        {
            metrics.Add(new Metric($"cpu {process}", percent, "% of a core", process == ServerTotals.Bench ? "" : "lower", false));
            if (process != ServerTotals.Bench && outcome.AckedInWindow > 0)
            {
                // CPU seconds over the window, per send acknowledged in it.
                var micros = percent / 100 * duration * 1e6 / outcome.AckedInWindow;
                metrics.Add(new Metric($"cpu per send {process}", micros, "µs", "lower", false));
            }
        }

        if (ServerTotals.Sum(outcome.CpuPercent) is { } servers)
        {
            metrics.Add(new Metric("cpu servers", servers, "% of a core", "lower", true));
        }

        var notes = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"POST /api/rooms/{{room}}/messages from {clients} HTTP clients × {window} keep-alive connections, one post in flight on each ({clients * window} in all), into one room; {warmup} s warm-up, {duration} s measured; a send counts when its 201 arrives."),
            $"{connected.Count} WebSocket receivers joined the room first; each must get every acknowledged message once, seqs contiguous and in order (checked by id and by seq once each has as many different messages as were acknowledged and the last acknowledged seq, or after {context.Drain.TotalSeconds} s without a delivery).",
        };
        if (outcome.FirstFailure is { } failure)
        {
            notes.Add($"first failed post: {failure}");
        }

        return context.Result(metrics, notes, receivers: new Dictionary<string, IReadOnlyList<ReceiverReport>> { ["oneroom"] = outcome.Receivers });
    }
}
