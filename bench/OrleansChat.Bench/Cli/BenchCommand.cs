using OrleansChat.Bench.Report;
using OrleansChat.Bench.Results;
using OrleansChat.Bench.Scenarios;
using Spectre.Console;

namespace OrleansChat.Bench.Cli;

/// <summary>Dispatches the command line to a scenario, <c>wait</c>, <c>report</c>, <c>side-by-side</c> or <c>gc-trace</c>.</summary>
internal static class BenchCommand
{
    private const string Usage = """
        OrleansChat.Bench <scenario|command> [--option value ...]

        Scenarios (each writes a JSON result and prints a table):
          latency      50 receivers, 200 msg/s from sender sockets at 8/s each, 20 s
                       --receivers --rate --per-socket-rate --duration --warmup
          sweep        latency at several rates, a few seconds each (for the plot)
                       --rates 50,100,200,400 --receivers --per-socket-rate --duration --warmup
          fanout       1,000 receivers in one room: windowed senders, then a steady rate
                       --receivers --senders --window --per-socket-rate --duration --warmup
                       --steady-rate --steady-duration
          rooms        500 rooms x 4 clients, each sending 1 msg/s
                       --rooms --clients-per-room --per-client-rate --duration --warmup
          manyrooms    the same with a busy service's load: 100 rooms x 10 clients, 2 msg/s each
          oneroom      one room: HTTP posts from many keep-alive connections, a few WebSocket receivers
                       --clients --window (connections per client) --receivers --duration --warmup --api-key
          connections  10,000 idle sockets in 1,000 rooms: connect time, memory per socket, idle CPU
                       --connections --rooms --duration (idle seconds) --settle
          failover     on a cluster of several silos: kill -9 one silo at a time under sends, time every
                       room taking sends again, start it again; median and worst over the rounds
                       --silos NAME=HEALTH-URL,... --kill 'CMD {name}' --start 'CMD {name}'
                       --rooms --kills --interval (ms after each ack) --give-up
          idle         server CPU with no traffic   --duration
          idle-after   the same, run again once every other scenario is done (the servers are warm)
          scaling      one room at a fixed rate held by 10, then 1,000 sockets: silo CPU per
                       message and stream deliveries per message at each size
                       --sockets 10,1000 --rate --per-socket-rate --duration --warmup --idle --prime
                       --repeat N (run the steps N times in turn; medians are compared)
                       --silo NAME (in --pids, default silo) --silo-metrics URL (Prometheus)

        Common options:
          --url ws://127.0.0.1:5090/ws   server endpoint (loopback only; http://host:port works too)
          --target NAME                  label in results (baseline, system, system-redis)
          --out FILE                     result file (default results/TARGET/SCENARIO.json)
          --pids name=PID,...            server processes to watch (CPU, VmRSS)
          --scale F                      multiply client and room counts (e.g. 0.02 for a quick run)
          --duration S                   measured seconds
          --concurrency N                sockets connecting at once (64)
          --source-addresses N           spread sockets over 127.0.0.1..127.0.0.N
          --size N                       message text length (64)
          --drain S                      wait for stragglers after sending (5)
          --timeout S                    limit for one connect or join (20)

        Commands:
          wait --url http://127.0.0.1:PORT/health/ready [--timeout 60]
          report --results DIR --out docs/performance.md --plot docs/performance-latency.png
                 [--machine FILE] [--commands FILE] [--targets FILE]
          side-by-side --results DIR [--arms A,B]
                 the runs bench/compare.sh leaves in DIR (DIR/ARM-ROUND/system/*.json): headline and CPU
                 figures, one column per run and the median of each arm
          gc-trace --trace FILE.nettrace[,FILE...] [--longest 5] [--stacks N]
                 GC pauses per generation, the mark phase of the longest ones and allocated types, from
                 dotnet-trace collect -p PID --providers Microsoft-Windows-DotNETRuntime:0x1:5;
                 --stacks N adds the N stacks (type and three frames) that allocated the most
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            var parsed = BenchArgs.Parse(args);
            return parsed.Verb switch
            {
                "help" or "-h" or "--help" => PrintUsage(),
                "wait" => await WaitCommand.RunAsync(parsed),
                "report" => await ReportCommand.RunAsync(parsed),
                "gc-trace" => GcTraceCommand.Run(parsed),
                "side-by-side" => await SideBySideCommand.RunAsync(parsed),
                "latency" => await RunScenarioAsync(parsed, LatencyScenario.RunAsync),
                "sweep" => await RunScenarioAsync(parsed, SweepScenario.RunAsync),
                "fanout" => await RunScenarioAsync(parsed, FanoutScenario.RunAsync),
                "rooms" or "manyrooms" => await RunScenarioAsync(parsed, RoomsScenario.RunAsync),
                "oneroom" => await RunScenarioAsync(parsed, OneRoomScenario.RunAsync),
                "connections" => await RunScenarioAsync(parsed, ConnectionsScenario.RunAsync),
                "idle" or "idle-after" => await RunScenarioAsync(parsed, IdleScenario.RunAsync),
                "scaling" => await RunScenarioAsync(parsed, ScalingScenario.RunAsync),
                "failover" => await RunScenarioAsync(parsed, FailoverScenario.RunAsync),
                _ => throw new ArgumentException($"Unknown scenario or command '{parsed.Verb}'."),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(ex.Message)}");
            AnsiConsole.WriteLine("Run without arguments for usage.");
            return 2;
        }
        catch (InvalidOperationException ex)
        {
            AnsiConsole.MarkupLine($"[red]failed:[/] {Markup.Escape(ex.Message)}");
            return 1;
        }
    }

    private static int PrintUsage()
    {
        Console.WriteLine(Usage);
        return 0;
    }

    private static async Task<int> RunScenarioAsync(BenchArgs args, Func<ScenarioContext, Task<ScenarioResult>> scenario)
    {
        using var context = new ScenarioContext(args);
        AnsiConsole.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss}[/] {Markup.Escape(context.Scenario)} against {Markup.Escape(context.Target)} ({Markup.Escape(context.Endpoint.ToString())})");
        var result = await scenario(context);
        await ResultFile.WriteAsync(context.Output, result);
        ResultTable.Print(result);
        AnsiConsole.MarkupLine($"[grey]wrote {Markup.Escape(context.Output)} in {result.ElapsedSeconds:0.0} s[/]");
        return 0;
    }
}
