using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrleansChat.Bench.Tests.Infrastructure;

/// <summary>
/// A chat server that speaks just enough of shared/protocol.md for the bench (welcome; join →
/// joined; send → the message to every member of the room, then the ack; ping → pong; the HTTP
/// post of a message → 201 with its seq) and
/// misdelivers on purpose to the sockets whose name ends with a chosen suffix (within their room,
/// or with another room's messages). Its acks are honest:
/// every send gets the room's next seq and is acked, so whatever a receiver misses, gets twice or
/// gets out of order is the server's fault, and the bench has to say so.
/// </summary>
internal sealed class FaultyChatServer : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, Misdelivery> _faultsBySuffix;
    private LoopbackApp? _app;
    private int _posted;

    private FaultyChatServer(IReadOnlyDictionary<string, Misdelivery> faultsBySuffix) => _faultsBySuffix = faultsBySuffix;

    /// <summary>How long after its turn a <see cref="Misdelivery.Late"/> message is sent: lateness is what such a test is about.</summary>
    public static TimeSpan Lateness { get; } = TimeSpan.FromMilliseconds(500);

    public Uri Address => _app!.Address;

    /// <summary>Sends stored and acked so far, over every room.</summary>
    public int Posted => Volatile.Read(ref _posted);

    public static async Task<FaultyChatServer> StartAsync(IReadOnlyDictionary<string, Misdelivery> faultsBySuffix)
    {
        var server = new FaultyChatServer(faultsBySuffix);
        server._app = await LoopbackApp.StartAsync(
            _ => { },
            app =>
            {
                app.UseWebSockets();
                app.Map("/ws", (HttpContext context) => server.HandleAsync(context, app.Lifetime.ApplicationStopping));
                app.MapPost("/api/rooms/{room}/messages", (string room, HttpRequest request) => server.PostAsync(room, request));
            });
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context, CancellationToken stopping)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var user = context.Request.Query["name"].ToString();
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var faults = _faultsBySuffix.FirstOrDefault(pair => user.EndsWith(pair.Key, StringComparison.Ordinal)).Value;
        var member = new Member(socket, faults);
        var writer = member.WriteLoopAsync();
        member.Send(Frame("welcome", w => w.WriteString("user", user)));
        try
        {
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(count), stopping);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                Handle(member, user, buffer.AsMemory(0, count));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The bench went away, or the test is over.
        }
        finally
        {
            lock (_lock)
            {
                foreach (var room in _rooms.Values)
                {
                    room.Members.Remove(member);
                }
            }

            member.Complete();
            await writer;
            if (socket.State == WebSocketState.CloseReceived)
            {
                // Answer the bench's close, so that it does not wait out its close timeout.
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            }
        }
    }

    private void Handle(Member member, string user, ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var frame = document.RootElement;
        switch (frame.GetProperty("type").GetString())
        {
            case "join":
            {
                var name = frame.GetProperty("room").GetString()!;
                lock (_lock)
                {
                    if (!_rooms.TryGetValue(name, out var room))
                    {
                        _rooms[name] = room = new Room();
                    }

                    if (!room.Members.Contains(member))
                    {
                        room.Members.Add(member);
                    }

                    member.Send(Frame("joined", w =>
                    {
                        w.WriteString("room", name);
                        w.WriteString("epoch", "e1");
                        w.WriteNumber("seq", room.Seq);
                        w.WriteStartArray("history");
                        w.WriteEndArray();
                        w.WriteBoolean("recovered", false);
                        w.WriteStartArray("members");
                        w.WriteEndArray();
                    }));
                }

                break;
            }

            case "send":
            {
                var name = frame.GetProperty("room").GetString()!;
                var id = frame.GetProperty("id").GetString()!;
                var text = frame.GetProperty("text").GetString()!;
                lock (_lock)
                {
                    if (!_rooms.TryGetValue(name, out var room) || !room.Members.Contains(member))
                    {
                        member.Send(Frame("error", w =>
                        {
                            w.WriteString("code", "not_joined");
                            w.WriteString("id", id);
                        }));
                        break;
                    }

                    var seq = Store(name, room, id, user, text);
                    member.Send(Frame("ack", w =>
                    {
                        w.WriteString("room", name);
                        w.WriteString("id", id);
                        w.WriteNumber("seq", seq);
                    }));
                }

                break;
            }

            case "ping":
                member.Send(Frame("pong", _ => { }));
                break;

            default:
                member.Send(Frame("error", w => w.WriteString("code", "bad_request")));
                break;
        }
    }

    /// <summary>Gives a message the room's next seq and delivers it (with the faults); called under the lock.</summary>
    private long Store(string name, Room room, string id, string user, string text)
    {
        var seq = ++room.Seq;
        Interlocked.Increment(ref _posted);
        var message = Frame("message", w =>
        {
            w.WriteString("room", name);
            w.WriteNumber("seq", seq);
            w.WriteString("id", id);
            w.WriteString("user", user);
            w.WriteString("text", text);
            w.WriteString("ts", "2026-11-26T12:00:00.000Z");
        });
        foreach (var other in room.Members)
        {
            other.Deliver(seq, message);
        }

        // Sockets of other rooms that are to get this room's message with this seq as well.
        foreach (var stranger in _rooms.Values.Where(r => r != room).SelectMany(r => r.Members).Where(m => m.Leaks(seq) && !room.Members.Contains(m)).Distinct())
        {
            stranger.Send(message);
        }

        return seq;
    }

    /// <summary>POST /api/rooms/{room}/messages as the protocol's HTTP API has it (any bearer key): 201 with the seq.</summary>
    private async Task<IResult> PostAsync(string name, HttpRequest request)
    {
        using var document = await JsonDocument.ParseAsync(request.Body);
        var body = document.RootElement;
        var (id, user, text) = (body.GetProperty("id").GetString()!, body.GetProperty("user").GetString()!, body.GetProperty("text").GetString()!);
        long seq;
        lock (_lock)
        {
            if (!_rooms.TryGetValue(name, out var room))
            {
                _rooms[name] = room = new Room();
            }

            seq = Store(name, room, id, user, text);
        }

        return TypedResults.Json(new { room = name, seq, id }, statusCode: StatusCodes.Status201Created);
    }

    private static byte[] Frame(string type, Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            fields(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private sealed class Room
    {
        public long Seq { get; set; }

        public List<Member> Members { get; } = [];
    }

    /// <summary>One socket: a queue of frames and the one loop that writes them, in order.</summary>
    private sealed class Member(WebSocket socket, Misdelivery? faults)
    {
        private readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        private byte[]? _held;

        public void Send(byte[] frame) => _outbound.Writer.TryWrite(frame);

        /// <summary>Whether this socket is also to get other rooms' messages with <paramref name="seq"/>.</summary>
        public bool Leaks(long seq) => faults?.Leak?.Contains(seq) == true;

        /// <summary>Queues a room message, or does to it what this socket's faults say; called in seq order.</summary>
        public void Deliver(long seq, byte[] frame)
        {
            if (faults is null)
            {
                Send(frame);
                return;
            }

            if (faults.Drop.Contains(seq))
            {
                return;
            }

            if (faults.Delay.Contains(seq))
            {
                _held = frame;
                return;
            }

            if (faults.Late?.Contains(seq) == true)
            {
                _ = SendLateAsync(frame);
                return;
            }

            Send(frame);
            if (faults.Repeat.Contains(seq))
            {
                Send(frame);
            }

            if (_held is { } held)
            {
                _held = null;
                Send(held);
            }
        }

        public void Complete() => _outbound.Writer.TryComplete();

        private async Task SendLateAsync(byte[] frame)
        {
            await Task.Delay(Lateness);
            Send(frame);
        }

        public async Task WriteLoopAsync()
        {
            try
            {
                await foreach (var frame in _outbound.Reader.ReadAllAsync())
                {
                    await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The bench closed or aborted the socket first.
            }
        }
    }
}
