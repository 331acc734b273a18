namespace OrleansChat.Bench.Results;

/// <summary>
/// One measured number. <see cref="Better"/> is <c>lower</c>, <c>higher</c> or empty;
/// <see cref="Headline"/> metrics are the ones the comparison report puts in its table.
/// </summary>
internal sealed record Metric(string Name, double Value, string Unit, string Better, bool Headline);
