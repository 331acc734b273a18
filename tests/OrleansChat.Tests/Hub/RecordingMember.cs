using System.Text.Json;
using OrleansChat.Gateway.Hub;
using OrleansChat.Gateway.Sessions;

namespace OrleansChat.Tests.Hub;

/// <summary>A local socket as the hub sees it, recording the frames handed to it.</summary>
internal sealed class RecordingMember(string user, List<(string User, string Frame)>? order = null) : IRoomMember
{
    private readonly List<JsonElement> _frames = [];

    public string User { get; } = user;

    public IReadOnlyList<JsonElement> Frames => _frames;

    public IEnumerable<long> MessageSeqs =>
        _frames.Where(f => f.GetProperty("type").GetString() == "message").Select(f => f.GetProperty("seq").GetInt64());

    public bool Deliver(ReadOnlyMemory<byte> frame, bool droppable)
    {
        var parsed = JsonDocument.Parse(frame).RootElement.Clone();
        _frames.Add(parsed);
        order?.Add((User, Describe(parsed)));
        return true;
    }

    /// <summary>"message 3", "presence carol" and the like: enough to tell frames apart in an order check.</summary>
    private static string Describe(JsonElement frame) => frame.GetProperty("type").GetString() switch
    {
        "message" => $"message {frame.GetProperty("seq").GetInt64()}",
        "presence" => $"presence {frame.GetProperty("user").GetString()}",
        var type => type!,
    };
}
