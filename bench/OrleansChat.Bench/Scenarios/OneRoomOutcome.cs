using OrleansChat.Bench.Measure;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Scenarios;

/// <summary>What one <c>oneroom</c> run measured.</summary>
internal sealed record OneRoomOutcome(
    double AckedPerSecond,
    long AckedInWindow,
    LatencySummary Ack,
    LatencySummary Delivery,
    long Sent,
    long Acked,
    long Failed,
    string? FirstFailure,
    IReadOnlyDictionary<string, double> CpuPercent,
    IReadOnlyList<ReceiverReport> Receivers);
