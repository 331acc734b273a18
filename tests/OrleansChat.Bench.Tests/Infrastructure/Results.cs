using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Tests.Infrastructure;

/// <summary>Small result files, as the scenarios write them, for the report commands to read.</summary>
internal static class Results
{
    public static Metric Headline(string name, double value, string unit = "ms", string better = "lower") => new(name, value, unit, better, true);

    public static Metric Detail(string name, double value, string unit = "count", string better = "") => new(name, value, unit, better, false);

    public static ScenarioResult Of(string scenario, string target, params Metric[] metrics) => new(
        scenario,
        target,
        "ws://127.0.0.1:5090/ws",
        new DateTimeOffset(2026, 11, 27, 11, 24, 0, TimeSpan.Zero),
        12.3,
        new Dictionary<string, string>(),
        metrics,
        []);

    public static Dictionary<string, ScenarioResult> ByScenario(params ScenarioResult[] results) =>
        results.ToDictionary(r => r.Scenario, StringComparer.Ordinal);

    /// <summary>Writes <paramref name="result"/> to <c>DIR/SCENARIO.json</c> with the bench's own writer.</summary>
    public static Task WriteAsync(string directory, ScenarioResult result) =>
        ResultFile.WriteAsync(Path.Combine(directory, result.Scenario + ".json"), result);
}
