using OrleansChat.Bench.Cli;
using OrleansChat.Bench.Results;
using OrleansChat.Bench.Tests.Infrastructure;
using static OrleansChat.Bench.Tests.Infrastructure.Results;

namespace OrleansChat.Bench.Tests.Report;

/// <summary>
/// <c>report</c> as bench/run.sh runs it: result files in <c>DIR/system</c> and <c>DIR/baseline</c>
/// in, the Markdown report (and the plot) out.
/// </summary>
public sealed class MarkdownReportTests : IDisposable
{
    // The baseline's latency result as a scenario writes it (camelCase, no sweep, no receivers).
    private const string BaselineLatencyJson = """
        {
          "scenario": "latency",
          "target": "baseline",
          "url": "ws://127.0.0.1:5090/ws",
          "startedAt": "2026-11-27T03:41:18.254498+00:00",
          "elapsedSeconds": 22.56,
          "parameters": { "receivers": "50", "rate": "200" },
          "metrics": [
            { "name": "delivery p50", "value": 0.91, "unit": "ms", "better": "lower", "headline": true },
            { "name": "delivery p99", "value": 4.655, "unit": "ms", "better": "lower", "headline": true },
            { "name": "lost by id", "value": 0, "unit": "count", "better": "lower", "headline": true },
            { "name": "cpu baseline", "value": 61.25, "unit": "% of a core", "better": "lower", "headline": false }
          ],
          "notes": [ "200 msg/s from 25 sender sockets to 50 receivers in one room." ]
        }
        """;

    private readonly TempDirectory _folder = new();
    private readonly CapturedConsole _console = new();

    [Fact]
    public async Task TheSummaryTableHasBothTargetsFiguresAndTheirRatio()
    {
        await WriteSystemAsync();
        await WriteBaselineAsync();

        var markdown = await ReportAsync();

        // 1.85 / 0.91 = 2.0330 and 3.95 / 4.655 = 0.8485; a zero baseline has no ratio.
        var p50 = Line(markdown, "| latency | delivery p50 (ms) | 1.85 | 0.91 | 2.03× | lower |");
        Line(markdown, "| latency | delivery p99 (ms) | 3.95 | 4.655 | 0.85× | lower |");
        Line(markdown, "| latency | lost by id (count) | 0 | 0 | – | lower |");
        var oneRoom = Line(markdown, "| oneroom | acked sends per second (msg/s) | 10,975 | – | – | higher |");
        Assert.True(p50 < oneRoom, "scenarios come in the runner's order");
        Assert.DoesNotContain("The system was not run", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("| sent", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSweepTableHasOneLinePerRateOfEitherTargetAndThePlotIsWritten()
    {
        await WriteSystemAsync();
        await WriteBaselineAsync();

        var markdown = await ReportAsync();

        var at50 = Line(markdown, "| 50 | 1.2 ms | 2.5 ms | 0 | 0.9 ms | 1.1 ms | 0 |");
        var at100 = Line(markdown, "| 100 | 1.4 ms | 3.25 ms | 2 | – | – | – |");
        var at200 = Line(markdown, "| 200 | – | – | – | 1 ms | 1.6 ms | 0 |");
        Assert.True(at50 < at100 && at100 < at200, "rates in increasing order");
        Line(markdown, "![delivery latency percentiles against message rate](performance-latency.png)");
        var png = await File.ReadAllBytesAsync(Path.Combine(_folder.Path, "docs", "performance-latency.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [Fact]
    public async Task EachScenarioListsItsNotesAndEachProcesssCpuButNotTheirSum()
    {
        await WriteSystemAsync();
        await WriteBaselineAsync();

        var markdown = await ReportAsync();

        var heading = Line(markdown, "**latency**");
        var note = Line(markdown, "- 200 msg/s from 25 sender sockets to 50 receivers in one room.");
        var system = Line(markdown, "- system: 12 s in all; cpu gateway 12.5 % of a core, cpu silo 30 % of a core.");
        var baseline = Line(markdown, "- baseline: 23 s in all; cpu baseline 61.25 % of a core.");
        Assert.True(heading < note && note < system && system < baseline);
        Assert.DoesNotContain("cpu servers", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheHandWrittenTargetsAndTheMachineGoInAsGiven()
    {
        await WriteSystemAsync();
        await WriteBaselineAsync();
        var targets = _folder.File("targets.md");
        await File.WriteAllTextAsync(targets, "\n## Targets\n\n- latency p50 at most 2 ms.\n\n");
        var machine = _folder.File("machine.txt");
        await File.WriteAllTextAsync(machine, "2 cores, 7.8 GiB\n");

        var markdown = await ReportAsync("--targets", targets, "--machine", machine);

        Assert.Contains("\n## Targets\n\n- latency p50 at most 2 ms.\n", markdown, StringComparison.Ordinal);
        Assert.Contains("## Machine\n\n```\n2 cores, 7.8 GiB\n```\n", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTheRedisProfileTheTablesGetItsColumnsAndItsProcessesAreListed()
    {
        await WriteSystemAsync();
        await WriteBaselineAsync();
        var redis = Path.Combine(_folder.Path, "system-redis");
        await WriteAsync(redis, Of(
            "latency",
            "system-redis",
            Headline("delivery p50", 2.73),
            Detail("cpu gateway", 14, "% of a core", "lower"),
            Detail("cpu silo", 33, "% of a core", "lower"),
            Detail("cpu redis", 6.5, "% of a core", "lower")));
        await WriteAsync(redis, Of("sweep", "system-redis") with
        {
            Sweep = [new SweepPoint(50, 50, 2.1, 2.6, 3.5, 5, 0, 2500)],
        });

        var markdown = await ReportAsync();

        Line(markdown, "| scenario | metric | system | baseline | system / baseline | system, Redis | Redis / baseline | better |");
        // 2.73 / 0.91 = 3.0; the system's oneroom has no Redis value.
        Line(markdown, "| latency | delivery p50 (ms) | 1.85 | 0.91 | 2.03× | 2.73 | 3.00× | lower |");
        Line(markdown, "| oneroom | acked sends per second (msg/s) | 10,975 | – | – | – | – | higher |");
        Line(markdown, "| 50 | 1.2 ms | 2.5 ms | 0 | 0.9 ms | 1.1 ms | 0 | 2.1 ms | 3.5 ms | 0 |");
        Line(markdown, "| 200 | – | – | – | 1 ms | 1.6 ms | 0 | – | – | – |");
        Line(markdown, "- system-redis: 12 s in all; cpu gateway 14 % of a core, cpu silo 33 % of a core, cpu redis 6.5 % of a core.");
    }

    [Fact]
    public async Task WithoutTheRedisProfileTheTablesKeepTheirColumns()
    {
        await WriteSystemAsync();
        await WriteBaselineAsync();

        var markdown = await ReportAsync();

        Line(markdown, "| scenario | metric | system | baseline | system / baseline | better |");
        Assert.DoesNotContain("system, Redis", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheSystemTheReportSaysSoAndItsColumnsReadNotRun()
    {
        await WriteBaselineAsync();

        var markdown = await ReportAsync();

        Line(markdown, "**The system with its embedded defaults was not run** (left out of `--profiles`, or its build output was not found or it did not become ready): its columns are empty.");
        Line(markdown, "| latency | delivery p50 (ms) | not run | 0.91 | – | lower |");
    }

    [Fact]
    public async Task NoResultsAtAllIsAFailureNotAnEmptyReport()
    {
        Assert.Equal(1, await BenchCommand.RunAsync(["report", "--results", _folder.Path, "--out", _folder.File("docs", "performance.md")]));
        Assert.False(File.Exists(Path.Combine(_folder.Path, "docs", "performance.md")));
    }

    [Fact]
    public async Task TheReportSaysWhenItsResultsWereTakenNotWhenItWasMade()
    {
        await WriteSystemAsync();
        await WriteBaselineAsync();

        var markdown = await ReportAsync();

        // The baseline's latency started at 03:41:18; the system's results at 11:24:00 and ran 12.3 s.
        Assert.StartsWith("Measured by `bench/run.sh` on 2026-11-27, 03:41–11:24 UTC. ", markdown.Split('\n')[2], StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _console.Dispose();
        _folder.Dispose();
    }

    private async Task WriteSystemAsync()
    {
        var system = Path.Combine(_folder.Path, "system");
        await WriteAsync(system, Of(
            "latency",
            "system",
            Headline("delivery p50", 1.85),
            Headline("delivery p99", 3.95),
            Headline("lost by id", 0, "count"),
            Detail("sent", 4400),
            Detail("cpu gateway", 12.5, "% of a core", "lower"),
            Detail("cpu silo", 30, "% of a core", "lower"),
            Detail("cpu servers", 42.5, "% of a core", "lower")));
        await WriteAsync(system, Of("oneroom", "system", Headline("acked sends per second", 10975, "msg/s", "higher")));
        await WriteAsync(system, Of("sweep", "system") with
        {
            Sweep = [new SweepPoint(50, 50, 1.2, 1.5, 2.5, 3, 0, 2500), new SweepPoint(100, 99, 1.4, 1.9, 3.25, 4, 2, 4950)],
        });
    }

    private async Task WriteBaselineAsync()
    {
        var baseline = Path.Combine(_folder.Path, "baseline");
        await File.WriteAllTextAsync(_folder.File("baseline", "latency.json"), BaselineLatencyJson);
        await WriteAsync(baseline, Of("sweep", "baseline") with
        {
            Sweep = [new SweepPoint(50, 50, 0.9, 1.0, 1.1, 2, 0, 2500), new SweepPoint(200, 200, 1.0, 1.2, 1.6, 3, 0, 10000)],
        });
    }

    private async Task<string> ReportAsync(params string[] extra)
    {
        var output = _folder.File("docs", "performance.md");
        var exit = await BenchCommand.RunAsync(["report", "--results", _folder.Path, "--out", output, .. extra]);
        Assert.Equal(0, exit);
        return await File.ReadAllTextAsync(output);
    }

    /// <summary>The position of the line that is exactly <paramref name="line"/>; fails with the report when there is none.</summary>
    private static int Line(string markdown, string line)
    {
        var lines = markdown.Split('\n');
        var index = Array.IndexOf(lines, line);
        Assert.True(index >= 0, $"No line\n{line}\nin\n{markdown}");
        return index;
    }
}
