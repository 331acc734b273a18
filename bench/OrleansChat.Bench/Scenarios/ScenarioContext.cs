using System.Diagnostics;
using OrleansChat.Bench.Cli;
using OrleansChat.Bench.Client;
using OrleansChat.Bench.Measure;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Scenarios;

/// <summary>
/// The options every scenario shares (target URL, label, scale, watched PIDs, output file) and
/// the helpers to name clients and rooms so that runs never collide on a long-lived server.
/// </summary>
internal sealed class ScenarioContext : IDisposable
{
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();

    public ScenarioContext(BenchArgs args)
    {
        Scenario = args.Verb;
        Args = args;
        Endpoint = ParseEndpoint(args.GetString("url", "ws://127.0.0.1:5090/ws"));
        Target = args.GetString("target", "target");
        Output = args.GetString("out") ?? Path.Combine("results", Target, Scenario + ".json");
        Scale = args.GetDouble("scale", 1.0);
        Processes = WatchedProcess.ParseList(args.GetString("pids"));
        ConnectConcurrency = args.GetInt("concurrency", 64);
        Drain = TimeSpan.FromSeconds(args.GetDouble("drain", 5));
        Timeout = TimeSpan.FromSeconds(args.GetDouble("timeout", 20));
        var size = args.GetInt("size", 64);
        Text = ("bench " + new string('x', Math.Max(size, 1)))[..Math.Max(size, 1)];
        Connector = new LoopbackConnector(args.GetInt("source-addresses", 1));
        Tag = Guid.NewGuid().ToString("N")[..6];
    }

    public string Scenario { get; }

    public BenchArgs Args { get; }

    /// <summary>The WebSocket endpoint, e.g. <c>ws://127.0.0.1:5090/ws</c>; always loopback.</summary>
    public Uri Endpoint { get; }

    /// <summary>A label for the server under test (<c>baseline</c>, <c>system</c>).</summary>
    public string Target { get; }

    public string Output { get; }

    /// <summary>Multiplies client and room counts: 1 is the full run, 0.02 a quick check.</summary>
    public double Scale { get; }

    public IReadOnlyList<WatchedProcess> Processes { get; }

    public int ConnectConcurrency { get; }

    /// <summary>How long to wait after the last send for acks and deliveries still on their way.</summary>
    public TimeSpan Drain { get; }

    /// <summary>Limit for one connect or join.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The text of every message (ASCII, <c>--size</c> characters).</summary>
    public string Text { get; }

    public LoopbackConnector Connector { get; }

    /// <summary>Six random characters that make this run's user and room names unique.</summary>
    public string Tag { get; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public int Scaled(int full, int minimum = 1) => Math.Max(minimum, (int)Math.Round(full * Scale));

    public string ClientName(string role, int i) => $"b{Tag}-{role}{i}";

    public RoomTarget Room(string kind, int index, int number) => new(index, $"bench-{Tag}-{kind}-{number}");

    /// <summary>The watched server processes plus the bench itself.</summary>
    public ProcessWatch WatchAll() => new([.. Processes, new WatchedProcess(ServerTotals.Bench, Environment.ProcessId)]);

    public ScenarioResult Result(
        IReadOnlyList<Metric> metrics,
        IReadOnlyList<string> notes,
        IReadOnlyList<SweepPoint>? sweep = null,
        IReadOnlyDictionary<string, IReadOnlyList<ReceiverReport>>? receivers = null)
    {
        return new ScenarioResult(Scenario, Target, Endpoint.ToString(), StartedAt, _elapsed.Elapsed.TotalSeconds, Args.All, metrics, notes, sweep, receivers);
    }

    public void Dispose() => Connector.Dispose();

    /// <summary>Accepts <c>ws://host:port/ws</c> or <c>http://host:port</c> (the <c>/ws</c> path is then added).</summary>
    public static Uri ParseEndpoint(string url)
    {
        var builder = new UriBuilder(url);
        builder.Scheme = builder.Scheme switch
        {
            "http" or "ws" => "ws",
            "https" or "wss" => "wss",
            _ => throw new ArgumentException($"Unsupported scheme in '{url}'."),
        };
        if (builder.Path is "" or "/")
        {
            builder.Path = "/ws";
        }

        builder.Query = string.Empty;
        LoopbackConnector.ResolveLoopback(builder.Host);
        return builder.Uri;
    }
}
