namespace OrleansChat.Bench.Results;

/// <summary>The JSON result file of one scenario run against one target.</summary>
internal sealed record ScenarioResult(
    string Scenario,
    string Target,
    string Url,
    DateTimeOffset StartedAt,
    double ElapsedSeconds,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<Metric> Metrics,
    IReadOnlyList<string> Notes,
    IReadOnlyList<SweepPoint>? Sweep = null,
    IReadOnlyDictionary<string, IReadOnlyList<ReceiverReport>>? Receivers = null);
