using OrleansChat.Bench.Cli;
using OrleansChat.Bench.Report;
using OrleansChat.Bench.Results;
using OrleansChat.Bench.Tests.Infrastructure;

namespace OrleansChat.Bench.Tests.EndToEnd;

/// <summary>A scenario run through the bench's own command line, its result file read back, and what it printed.</summary>
internal static class ScenarioRun
{
    public static async Task<(ScenarioResult Result, string Output)> RunAsync(string scenario, Uri server, params string[] options)
    {
        using var folder = new TempDirectory();
        using var console = new CapturedConsole();
        var file = folder.File(scenario + ".json");
        var exit = await BenchCommand.RunAsync([scenario, "--url", server.ToString(), "--target", "test", "--out", file, .. options]);
        Assert.True(exit == 0, $"exit code {exit}\n{console.Text}");
        var result = await ResultFile.ReadAsync(file) ?? throw new InvalidOperationException($"{file} holds no result.");
        return (result, console.Text);
    }

    public static double Metric(this ScenarioResult result, string name) =>
        Comparison.Find(result, name) ?? throw new Xunit.Sdk.XunitException($"The result has no metric '{name}'.");

    /// <summary>Checks that each of <paramref name="metrics"/> is zero, showing the run's output when one is not.</summary>
    public static void AssertNone(this ScenarioResult result, string output, params string[] metrics)
    {
        foreach (var name in metrics)
        {
            Assert.True(result.Metric(name) == 0, $"{name}: {result.Metric(name)}\n{output}");
        }
    }

    /// <summary>The report of the one receiver whose name ends with <paramref name="nameSuffix"/>.</summary>
    public static ReceiverReport Receiver(this ScenarioResult result, string nameSuffix) =>
        Assert.Single(result.Receivers![result.Scenario], r => r.Name.EndsWith(nameSuffix, StringComparison.Ordinal));
}
