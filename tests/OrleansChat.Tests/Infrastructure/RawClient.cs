using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// A client WebSocket over a raw upgrade (<see cref="RawUpgrade"/>) that reads only when told to, so a
/// test sees exactly which frames came before the server's close, and can stop reading (a small
/// receive buffer fills fast) and resume.
/// </summary>
public sealed class RawClient : IAsyncDisposable
{
    private readonly NetworkStream _stream;

    private RawClient(NetworkStream stream)
    {
        _stream = stream;
        Socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = Timeout.InfiniteTimeSpan });
    }

    /// <summary>The client's WebSocket.</summary>
    public WebSocket Socket { get; }

    /// <summary>Connects with the query given (<c>name=alice</c>, <c>token=…</c>) and reads the welcome frame.</summary>
    public static async Task<RawClient> ConnectAsync(GatewayHost gateway, string query, int receiveBufferSize = 0)
    {
        var client = new RawClient(await RawUpgrade.ConnectWithQueryAsync(gateway, query, receiveBufferSize));
        var welcome = await client.ReadFrameAsync();
        Assert.Equal("welcome", welcome?.Type());
        return client;
    }

    /// <summary>Sends a text frame.</summary>
    public Task SendAsync(string text) => Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Joins a room and reads up to its joined frame.</summary>
    public async Task JoinAsync(string room)
    {
        await SendAsync($$"""{"type":"join","room":"{{room}}"}""");
        await ReadUntilAsync(f => f.Type() == "joined");
    }

    /// <summary>Reads frames up to the first that matches; the server's close before it fails.</summary>
    public async Task<JsonElement> ReadUntilAsync(Func<JsonElement, bool> match)
    {
        while (true)
        {
            var frame = await ReadFrameAsync() ?? throw new InvalidOperationException($"the server closed ({Socket.CloseStatus} {Socket.CloseStatusDescription}) before the frame came");
            if (match(frame))
            {
                return frame;
            }
        }
    }

    /// <summary>Reads one text frame; null once the server's close frame has been read.</summary>
    public async Task<JsonElement?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer, limit.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
            }
        }
    }

    /// <summary>Reads every frame up to the server's close, answers the close, and returns the frames with the close's code and reason.</summary>
    public async Task<(List<JsonElement> Frames, WebSocketCloseStatus? Status, string? Reason)> ReadToCloseAsync()
    {
        var frames = new List<JsonElement>();
        while (await ReadFrameAsync() is { } frame)
        {
            frames.Add(frame);
        }

        if (Socket.State == WebSocketState.CloseReceived)
        {
            await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        }

        return (frames, Socket.CloseStatus, Socket.CloseStatusDescription);
    }

    public async ValueTask DisposeAsync()
    {
        Socket.Dispose();
        await _stream.DisposeAsync();
    }
}
