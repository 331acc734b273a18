namespace OrleansChat.Bench.Results;

/// <summary>Delivery latency (ms) at one offered message rate, for the latency-vs-rate plot.</summary>
internal sealed record SweepPoint(
    double Rate,
    double AchievedRate,
    double P50,
    double P90,
    double P99,
    double Max,
    long Lost,
    double DeliveriesPerSecond);
