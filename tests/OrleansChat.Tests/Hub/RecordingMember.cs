using System.Text.Json;
using OrleansChat.Gateway.Hub;

namespace OrleansChat.Tests.Hub;

/// <summary>A local socket as the hub sees it, recording the frames handed to it.</summary>
internal sealed class RecordingMember(string user) : IRoomMember
{
    private readonly List<JsonElement> _frames = [];

    public string User { get; } = user;

    public IReadOnlyList<JsonElement> Frames => _frames;

    public IEnumerable<long> MessageSeqs =>
        _frames.Where(f => f.GetProperty("type").GetString() == "message").Select(f => f.GetProperty("seq").GetInt64());

    public bool Deliver(ReadOnlyMemory<byte> frame, bool droppable)
    {
        _frames.Add(JsonDocument.Parse(frame).RootElement.Clone());
        return true;
    }
}
