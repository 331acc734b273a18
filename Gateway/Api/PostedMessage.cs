using System.Text.Json;

namespace OrleansChat.Gateway.Api;

/// <summary>The body of a <c>201</c> answering <c>POST /api/rooms/{room}/messages</c>: where the message was stored.</summary>
public sealed record PostedMessage(string Room, long Seq, string Id)
{
    /// <summary>The media type of <see cref="ToUtf8Json"/>, the one <c>Results.Json</c> gives.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>
    /// <c>{"room","seq","id"}</c> as UTF-8 JSON with the web defaults <c>Results.Json</c> uses. Serialized whole before
    /// the answer starts, so the answer has a Content-Length and goes out in one write instead of as chunks.
    /// </summary>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, JsonSerializerOptions.Web);
}
