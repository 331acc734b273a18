using OrleansChat.Bench.Cli;
using OrleansChat.Bench.Report;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Tests.EndToEnd;

/// <summary>The <c>latency</c> scenario run through the bench's own command line, and its result file read back.</summary>
internal static class LatencyRun
{
    public static async Task<ScenarioResult> RunAsync(Uri server, string output, params string[] options)
    {
        var exit = await BenchCommand.RunAsync(["latency", "--url", server.ToString(), "--target", "test", "--out", output, .. options]);
        Assert.Equal(0, exit);
        return await ResultFile.ReadAsync(output) ?? throw new InvalidOperationException($"{output} holds no result.");
    }

    public static double Metric(this ScenarioResult result, string name) =>
        Comparison.Find(result, name) ?? throw new Xunit.Sdk.XunitException($"The result has no metric '{name}'.");

    public static ReceiverReport Receiver(this ScenarioResult result, string nameSuffix) =>
        Assert.Single(result.Receivers!["latency"], r => r.Name.EndsWith(nameSuffix, StringComparison.Ordinal));
}
