using OrleansChat.Protocol;

namespace OrleansChat.Bench.Client;

/// <summary>
/// A room the bench talks to, with its join frame encoded once.
/// </summary>
internal sealed class RoomTarget
{
    public RoomTarget(int index, string name)
    {
        Index = index;
        Name = name;
        JoinFrame = ClientFrames.Join(name);
    }

    public int Index { get; }

    public string Name { get; }

    public byte[] JoinFrame { get; }

    /// <summary>The room's latest seq before the current phase's first send.</summary>
    public long BaseSeq { get; set; }

    public List<ChatClient> Receivers { get; } = [];

    public List<ChatClient> Senders { get; } = [];
}
