using System.Diagnostics;
using System.Text.RegularExpressions;

namespace OrleansChat.Bench.Tests.Cli;

/// <summary>bench/run.sh's scenario list against bench/lib.sh's arguments for each, which a full run alone would otherwise find out.</summary>
public sealed partial class RunScriptTests
{
    [Fact]
    public async Task EveryScenarioTheFullRunRunsHasItsArgumentsAndTheyNameThatScenario()
    {
        var root = FindRoot();
        var script = await File.ReadAllTextAsync(Path.Combine(root, "bench", "run.sh"));
        var scenarios = FullRunList().Match(script) is { Success: true } match
            ? match.Groups["list"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : throw new InvalidOperationException("run.sh has no 'for scenario in ...; do' list left for the full run");

        Assert.Contains("manyrooms", scenarios);
        foreach (var scenario in scenarios)
        {
            var (exit, output) = await BashAsync(root, $"source bench/lib.sh && scenario_args {scenario}");
            Assert.True(exit == 0, $"scenario_args {scenario} failed: {output}");
            Assert.Equal(scenario, output.Split(' ', 2)[0].Trim());
        }
    }

    // The full run's list of names (the quick run's loop spells out its arguments over several lines).
    [GeneratedRegex(@"for scenario in (?<list>[a-z\- ]+); do")]
    private static partial Regex FullRunList();

    private static async Task<(int Exit, string Output)> BashAsync(string directory, string command)
    {
        var start = new ProcessStartInfo("bash", ["-c", command]) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output + error);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansChat.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OrleansChat.sln not found above " + AppContext.BaseDirectory);
    }
}
