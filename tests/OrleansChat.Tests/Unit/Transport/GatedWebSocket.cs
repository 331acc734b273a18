using System.Net.WebSockets;

namespace OrleansChat.Tests.Unit.Transport;

/// <summary>A server-side socket whose peer reads nothing until the gate opens, and never sends.</summary>
internal sealed class GatedWebSocket : WebSocket
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closeSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebSocketState _state = WebSocketState.Open;

    public int Sent => SentTexts.Count;

    /// <summary>The text of every frame sent, in order.</summary>
    public List<string> SentTexts { get; } = [];

    public override WebSocketCloseStatus? CloseStatus => null;

    public override string? CloseStatusDescription => null;

    public override WebSocketState State => _state;

    public override string? SubProtocol => null;

    public void Open() => _gate.TrySetResult();

    public override void Abort()
    {
        _state = WebSocketState.Aborted;
        _aborted.TrySetResult();
    }

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        _state = WebSocketState.CloseSent;
        _closeSent.TrySetResult();
        return Task.CompletedTask;
    }

    public override void Dispose() => Abort();

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        // The peer answers our close frame with its own; until then it sends nothing.
        var ended = await Task.WhenAny(_aborted.Task, _closeSent.Task).WaitAsync(cancellationToken);
        if (ended == _aborted.Task)
        {
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
        }

        _state = WebSocketState.Closed;
        return new WebSocketReceiveResult(0, WebSocketMessageType.Close, true, WebSocketCloseStatus.NormalClosure, "");
    }

    public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        // As with a real socket, aborting fails a send that is waiting on the peer.
        if (await Task.WhenAny(_gate.Task, _aborted.Task).WaitAsync(cancellationToken) == _aborted.Task)
        {
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
        }

        SentTexts.Add(System.Text.Encoding.UTF8.GetString(buffer));
    }
}
