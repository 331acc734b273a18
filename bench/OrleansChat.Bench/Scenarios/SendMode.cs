namespace OrleansChat.Bench.Scenarios;

/// <summary>How senders pace themselves.</summary>
internal enum SendMode
{
    /// <summary>Open loop: each sender socket sends at a fixed rate, whatever the server does.</summary>
    Steady,

    /// <summary>
    /// Closed loop: each sender socket keeps up to a window of messages in flight, a message
    /// leaving the window once it is acked and every receiver of the room has it.
    /// </summary>
    Window,
}
