using OrleansChat.Bench.Cli;
using OrleansChat.Bench.Report;
using OrleansChat.Bench.Tests.Infrastructure;
using static OrleansChat.Bench.Tests.Infrastructure.Results;

namespace OrleansChat.Bench.Tests.Report;

/// <summary><c>side-by-side</c> on a folder laid out as bench/compare.sh leaves it: <c>DIR/ARM-ROUND/system/*.json</c>.</summary>
public sealed class SideBySideCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly CapturedConsole _console = new();

    [Fact]
    public async Task EachRunGetsAColumnAndEachArmTheMedianOfItsRuns()
    {
        await WriteRunsAsync();

        Assert.Equal(0, await BenchCommand.RunAsync(["side-by-side", "--results", _folder.Path, "--arms", "before,after"]));

        // before: 2, 3, 4 has median 3 (odd count); after: 1, 1.5 has median 1.25 (even count).
        Assert.Equal(["latency: delivery p50 (ms)", "2", "3", "4", "3", "1", "1.5", "1.25"], _console.Row("latency: delivery p50 (ms)"));
        Assert.Equal(["before-1", "before-2", "before-3", "before median", "after-1", "after-2", "after median"], _console.Row("scenario: metric (unit)")[1..]);
    }

    [Fact]
    public async Task CpuFiguresAreShownTooAndARunWithoutAFigureIsLeftOutOfTheMedian()
    {
        await WriteRunsAsync();

        Assert.Equal(0, await BenchCommand.RunAsync(["side-by-side", "--results", _folder.Path, "--arms", "before,after"]));

        Assert.Equal(["latency: cpu servers (% of a core)", "40", "50", "45", "45", "30", "-", "30"], _console.Row("latency: cpu servers (% of a core)"));
        Assert.Equal(["rooms: delivery p99 (ms)", "-", "-", "-", "-", "10", "-", "10"], _console.Row("rooms: delivery p99 (ms)"));
        Assert.DoesNotContain("sent", _console.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("notes", _console.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutArmsTheArmsAreTheFolderNamesLessTheirRoundNumbers()
    {
        await WriteRunsAsync();

        Assert.Equal(0, await BenchCommand.RunAsync(["side-by-side", "--results", _folder.Path]));

        // Folders in name order: the after runs first.
        Assert.Equal(["latency: delivery p50 (ms)", "1", "1.5", "1.25", "2", "3", "4", "3"], _console.Row("latency: delivery p50 (ms)"));
    }

    [Fact]
    public async Task RunsOfAnArmNotAskedForAreLeftOutAndNamed()
    {
        await WriteRunsAsync();

        Assert.Equal(0, await BenchCommand.RunAsync(["side-by-side", "--results", _folder.Path, "--arms", "before"]));

        Assert.Contains("left out, not of any arm in --arms: after-1, after-2", _console.Text, StringComparison.Ordinal);
        Assert.Equal(["before-1", "before-2", "before-3", "before median"], _console.Row("scenario: metric (unit)")[1..]);
        Assert.Equal(["latency: delivery p50 (ms)", "2", "3", "4", "3"], _console.Row("latency: delivery p50 (ms)"));
    }

    [Fact]
    public async Task AFolderWithoutRunsIsAFailure()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "before-1"));

        Assert.Equal(1, await BenchCommand.RunAsync(["side-by-side", "--results", _folder.Path]));
    }

    [Theory]
    [InlineData("before-1", "before")]
    [InlineData("after-12", "after")]
    [InlineData("before-x-1", "before-x")]
    [InlineData("other-1", "other")]
    [InlineData("server", "server")]
    [InlineData("gc-server", "gc-server")]
    public void ARunBelongsToTheLongestGivenArmItStartsWithElseToItsNameLessTheRound(string run, string arm)
    {
        Assert.Equal(arm, SideBySideCommand.ArmOf(run, ["before", "before-x", "after"]));
    }

    [Theory]
    [InlineData("workstation-3", "workstation")]
    [InlineData("gc-server-2", "gc-server")]
    [InlineData("gc-server", "gc-server")]
    public void WithoutGivenArmsARunBelongsToItsNameLessTheRound(string run, string arm)
    {
        Assert.Equal(arm, SideBySideCommand.ArmOf(run, null));
    }

    public void Dispose()
    {
        _console.Dispose();
        _folder.Dispose();
    }

    private async Task WriteRunsAsync()
    {
        (string Run, double P50, double? Cpu)[] runs = [("before-1", 2, 40), ("before-2", 3, 50), ("before-3", 4, 45), ("after-1", 1, 30), ("after-2", 1.5, null)];
        foreach (var (run, p50, cpu) in runs)
        {
            var metrics = new List<OrleansChat.Bench.Results.Metric> { Headline("delivery p50", p50), Detail("sent", 100) };
            if (cpu is { } value)
            {
                metrics.Add(Detail("cpu servers", value, "% of a core", "lower"));
            }

            await WriteAsync(Path.Combine(_folder.Path, run, "system"), Of("latency", "system", [.. metrics]));
        }

        await WriteAsync(Path.Combine(_folder.Path, "after-1", "system"), Of("rooms", "system", Headline("delivery p99", 10)));
        // A baseline beside a run and a folder without a system are not runs of any arm.
        await WriteAsync(Path.Combine(_folder.Path, "after-1", "baseline"), Of("latency", "baseline", Headline("delivery p50", 100)));
        Directory.CreateDirectory(Path.Combine(_folder.Path, "notes"));
    }
}
