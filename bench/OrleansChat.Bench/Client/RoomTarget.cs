using System.Text;

namespace OrleansChat.Bench.Client;

/// <summary>
/// A room the bench talks to, with its frames encoded once: the join frame, and the fixed start
/// of every send frame, which only needs the message number and the shared text appended.
/// </summary>
internal sealed class RoomTarget
{
    public RoomTarget(int index, string name)
    {
        Index = index;
        Name = name;
        JoinFrame = Encoding.UTF8.GetBytes($$"""{"type":"join","room":"{{name}}"}""");
        SendPrefix = Encoding.UTF8.GetBytes($$"""{"type":"send","room":"{{name}}","id":"m""");
    }

    public int Index { get; }

    public string Name { get; }

    public byte[] JoinFrame { get; }

    public byte[] SendPrefix { get; }

    /// <summary>The room's latest seq before the current phase's first send.</summary>
    public long BaseSeq { get; set; }

    public List<ChatClient> Receivers { get; } = [];

    public List<ChatClient> Senders { get; } = [];

    /// <summary>The end of every send frame: closes the id and carries <paramref name="text"/> (plain ASCII).</summary>
    public static byte[] SendSuffix(string text) => Encoding.UTF8.GetBytes("\",\"text\":\"" + text + "\"}");
}
