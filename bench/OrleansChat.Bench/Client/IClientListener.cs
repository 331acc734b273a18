namespace OrleansChat.Bench.Client;

/// <summary>
/// Receives what a <see cref="ChatClient"/> reads, on that client's receive loop. Timestamps are
/// <see cref="System.Diagnostics.Stopwatch"/> ticks taken as soon as the frame was read.
/// </summary>
internal interface IClientListener
{
    void OnMessage(ChatClient client, long index, long seq, long timestamp);

    void OnAck(ChatClient client, long index, long seq, long timestamp);

    void OnError(ChatClient client, string code, long index, long timestamp);
}
