using System.Globalization;
using OrleansChat.Bench.Measure;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Scenarios;

/// <summary>
/// <c>scaling</c>: the same message rate into one room held by few and then by many sockets of
/// one gateway, to show what the silo pays per message as a room grows. Each step measures the
/// silo's CPU per message (with the idle CPU just before the step taken off), and, when the
/// silo's Prometheus endpoint is given, Orleans' own stream counters: events delivered by the
/// pulling agents per event read from the queues, i.e. stream deliveries per message.
/// </summary>
internal static class ScalingScenario
{
    // Orleans' StreamInstruments counters (streams-persistent-stream-messages-read / -sent), as
    // the OpenTelemetry Prometheus exporter names them.
    private const string ReadCounter = "orleans_streams_persistent_stream_messages_read_total";
    private const string SentCounter = "orleans_streams_persistent_stream_messages_sent_total";

    public static async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        var sockets = context.Args.GetDoubles("sockets", [10, 1000]).Select(s => (int)s).ToList();
        var rate = context.Args.GetDouble("rate", 72);
        var perSocket = context.Args.GetDouble("per-socket-rate", 8);
        var duration = context.Args.GetDouble("duration", 15);
        var warmup = context.Args.GetDouble("warmup", 2);
        var idleSeconds = context.Args.GetDouble("idle", 5);
        var prime = context.Args.GetDouble("prime", 5);
        var siloName = context.Args.GetString("silo", "silo");
        var metricsUrl = context.Args.GetString("silo-metrics");
        var repeat = Math.Max(1, context.Args.GetInt("repeat", 1));
        context.Args.ThrowIfUnused();

        var senders = Math.Max(1, (int)Math.Ceiling(rate / perSocket));
        if (sockets.Any(count => count <= senders))
        {
            throw new ArgumentException($"Every --sockets count must exceed the {senders} sender sockets that {rate} msg/s needs at {perSocket}/s each.");
        }

        using var scrape = metricsUrl is null ? null : new PrometheusScrape(new Uri(metricsUrl));
        var silo = context.Processes.FirstOrDefault(p => p.Name == siloName);
        var metrics = new List<Metric>();
        var notes = new List<string>();

        // One unmeasured run first, so that no step pays for the first-time costs of the path
        // (JIT, the room's activation, the stream's pub-sub registration).
        if (prime > 0)
        {
            await LatencyScenario.MeasureAsync(context, sockets.Count, sockets[0] - senders, rate, perSocket, 0, prime);
        }

        // With --repeat, the steps run in turn (10, 1000, 10, 1000, ...) so that a noisy moment of a
        // shared machine lands on one run of one size, not on a whole size; medians are compared.
        var perMessage = sockets.ToDictionary(count => count, _ => new List<double>());
        var counted = sockets.ToDictionary(count => count, _ => (Events: 0.0, Deliveries: 0.0));
        for (var round = 0; round < repeat; round++)
        {
            for (var step = 0; step < sockets.Count; step++)
            {
                var run = round * sockets.Count + step;
                var total = sockets[step];
                var at = repeat == 1
                    ? string.Create(CultureInfo.InvariantCulture, $" @ {total} sockets")
                    : string.Create(CultureInfo.InvariantCulture, $" @ {total} sockets, run {round + 1}");

                // The silo's CPU with no traffic right before the step, taken off what the step costs.
                var idleWatch = new ProcessWatch(silo is null ? [] : [silo]);
                idleWatch.Start();
                await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
                var idle = idleWatch.CpuSinceStart().GetValueOrDefault(siloName);

                var (read, sent) = await CountersAsync(scrape);
                var (outcome, stepNotes) = await LatencyScenario.MeasureAsync(context, run, total - senders, rate, perSocket, warmup, duration);
                var (readAfter, sentAfter) = await CountersAsync(scrape);

                notes.Add(stepNotes[0]);
                metrics.Add(new Metric("delivery p50" + at, outcome.Delivery.P50, "ms", "lower", false));
                metrics.Add(new Metric("delivery p99" + at, outcome.Delivery.P99, "ms", "lower", false));
                metrics.Add(new Metric("lost by id" + at, outcome.LostById, "count", "lower", false));
                metrics.Add(new Metric("deliveries per second" + at, outcome.DeliveriesPerSecond, "deliveries/s", "higher", false));
                if (outcome.CpuPercent.TryGetValue(siloName, out var siloCpu) && outcome.AchievedRate > 0)
                {
                    var micros = Math.Max(0, siloCpu - idle) / 100 * 1_000_000 / outcome.AchievedRate;
                    perMessage[total].Add(micros);
                    metrics.Add(new Metric("silo cpu idle before" + at, idle, "% of a core", "", false));
                    metrics.Add(new Metric("silo cpu" + at, siloCpu, "% of a core", "lower", false));
                    metrics.Add(new Metric("silo cpu per message" + at, micros, "µs", "lower", repeat == 1));
                }

                if (readAfter - read is > 0 and var events && sentAfter - sent is var deliveries)
                {
                    counted[total] = (counted[total].Events + events, counted[total].Deliveries + deliveries);
                    notes.Add(string.Create(CultureInfo.InvariantCulture, $"{total} sockets, run {round + 1}: the silo's pulling agents read {events:0} events and delivered {deliveries:0} ({scrape!.Url}, {ReadCounter} and {SentCounter})."));
                }
            }
        }

        foreach (var total in sockets)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $" @ {total} sockets");
            if (repeat > 1 && perMessage[total].Count > 0)
            {
                metrics.Add(new Metric("silo cpu per message" + at + ", median", Statistics.Median(perMessage[total]), "µs", "lower", true));
            }

            if (counted[total].Events > 0)
            {
                metrics.Add(new Metric("stream deliveries per message" + at, counted[total].Deliveries / counted[total].Events, "per message", "lower", true));
            }
        }

        if (perMessage.Values.All(list => list.Count == repeat) && Statistics.Median(perMessage[sockets[0]]) > 0)
        {
            metrics.Add(new Metric(
                string.Create(CultureInfo.InvariantCulture, $"silo cpu per message, {sockets[^1]} / {sockets[0]} sockets"),
                Statistics.Median(perMessage[sockets[^1]]) / Statistics.Median(perMessage[sockets[0]]), "ratio", "", true));
        }
        else if (silo is null)
        {
            notes.Add($"No process named '{siloName}' in --pids: silo CPU per message not measured.");
        }

        notes.Add(string.Create(CultureInfo.InvariantCulture, $"A {prime} s run at {sockets[0]} sockets, not measured, came first. Silo CPU per message = (silo CPU during the {duration} s measured − silo CPU in the {idleSeconds} s of no traffic before) / messages sent in those {duration} s; the steps ran {repeat} time(s) in turn and the ratio compares medians."));
        return context.Result(metrics, notes);
    }

    private static async Task<(double Read, double Sent)> CountersAsync(PrometheusScrape? scrape)
    {
        if (scrape is null)
        {
            return (0, 0);
        }

        return (await scrape.SumAsync(ReadCounter) ?? 0, await scrape.SumAsync(SentCounter) ?? 0);
    }
}
