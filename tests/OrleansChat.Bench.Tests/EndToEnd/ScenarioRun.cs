using OrleansChat.Bench.Cli;
using OrleansChat.Bench.Report;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Tests.EndToEnd;

/// <summary>A scenario run through the bench's own command line, and its result file read back.</summary>
internal static class ScenarioRun
{
    public static async Task<ScenarioResult> RunAsync(string scenario, Uri server, string output, params string[] options)
    {
        var exit = await BenchCommand.RunAsync([scenario, "--url", server.ToString(), "--target", "test", "--out", output, .. options]);
        Assert.Equal(0, exit);
        return await ResultFile.ReadAsync(output) ?? throw new InvalidOperationException($"{output} holds no result.");
    }

    public static double Metric(this ScenarioResult result, string name) =>
        Comparison.Find(result, name) ?? throw new Xunit.Sdk.XunitException($"The result has no metric '{name}'.");

    /// <summary>The report of the one receiver whose name ends with <paramref name="nameSuffix"/>.</summary>
    public static ReceiverReport Receiver(this ScenarioResult result, string nameSuffix) =>
        Assert.Single(result.Receivers![result.Scenario], r => r.Name.EndsWith(nameSuffix, StringComparison.Ordinal));
}
