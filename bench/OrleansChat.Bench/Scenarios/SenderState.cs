using OrleansChat.Bench.Client;

namespace OrleansChat.Bench.Scenarios;

/// <summary>One sending socket in a phase: its number, its room, its window and its start offset.</summary>
internal sealed class SenderState(int number, ChatClient client, RoomTarget room, int window, double phase) : IDisposable
{
    public int Number { get; } = number;

    public ChatClient Client { get; } = client;

    public RoomTarget Room { get; } = room;

    /// <summary>Free slots of the send window (only used in window mode).</summary>
    public SemaphoreSlim Window { get; } = new(window);

    /// <summary>This socket's messages that may still hold a window slot, oldest first (sender loop only).</summary>
    public Queue<long> InFlight { get; } = new();

    /// <summary>Where in the send interval this socket starts, 0 to 1, so senders do not fire together.</summary>
    public double Phase { get; } = phase;

    public void Dispose() => Window.Dispose();
}
