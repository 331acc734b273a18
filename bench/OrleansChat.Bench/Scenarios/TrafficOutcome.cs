using OrleansChat.Bench.Measure;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Scenarios;

/// <summary>Everything one traffic phase measured.</summary>
internal sealed record TrafficOutcome(
    LatencySummary Delivery,
    LatencySummary Ack,
    long Sent,
    long Acked,
    long Failed,
    long Unacked,
    IReadOnlyDictionary<string, long> Errors,
    double OfferedRate,
    double AchievedRate,
    double DeliveriesPerSecond,
    long ExpectedDeliveries,
    long LostById,
    long LostBySeq,
    long OutOfOrderBySeq,
    long OutOfOrderById,
    long DuplicatesById,
    long DeliveredToAnotherRoom,
    int ReceiversWithLoss,
    int DroppedSockets,
    long WindowStalls,
    double MeasuredSeconds,
    IReadOnlyDictionary<string, double> CpuPercent,
    IReadOnlyList<ReceiverReport> Receivers);
