namespace OrleansChat.Bench.Results;

/// <summary>What one receiving socket got in one phase, against what was acked into its room.</summary>
internal sealed record ReceiverReport(
    string Name,
    long Received,
    long LostById,
    long LostBySeq,
    long OutOfOrderBySeq,
    long OutOfOrderById,
    long DuplicatesById,
    long GapsBySeq,
    bool Dropped,
    string? CloseStatus);
