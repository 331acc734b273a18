namespace OrleansChat;

/// <summary>
/// A slice of a room's stored history. <see cref="Epoch"/> names the lifetime of the room's
/// storage: it changes only when the history is lost, so a client can tell whether its
/// last seen seq still means anything.
/// </summary>
[GenerateSerializer, Immutable, Alias("chat.history")]
public sealed record HistoryPage(
    [property: Id(0)] string Epoch,
    [property: Id(1)] long LatestSeq,
    [property: Id(2)] long OldestSeq,
    [property: Id(3)] IReadOnlyList<ChatMessage> Messages)
{
    /// <summary>The lowest seq the room still keeps, 0 when it keeps none (then <see cref="OldestSeq"/> is the latest + 1).</summary>
    public long OldestKept => OldestSeq > LatestSeq ? 0 : OldestSeq;
}
