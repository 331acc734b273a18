using System.Text.Json;
using OrleansChat.Protocol;

namespace OrleansChat.Gateway.Api;

/// <summary>The body of <c>POST /api/rooms/{room}/messages</c>, held to the same rules as a socket's <c>send</c>.</summary>
internal sealed record PostMessageBody(string User, string Id, string Text)
{
    /// <summary>Reads and checks the body; exactly one of the results is non-null.</summary>
    public static (PostMessageBody? Body, string? Error) Parse(JsonElement root, int maxTextLength)
    {
        try
        {
            return ParseObject(root, maxTextLength);
        }
        catch (InvalidOperationException)
        {
            // JsonElement.GetString throws on a string it cannot turn into UTF-16: an escaped lone surrogate
            // such as "\ud800", or bytes that are not UTF-8.
            return (null, "the body has a string that is not valid Unicode");
        }
    }

    private static (PostMessageBody? Body, string? Error) ParseObject(JsonElement root, int maxTextLength)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, "the body must be a JSON object with 'user', 'id' and 'text'");
        }

        var user = MessageRules.NormalizeUser(String(root, "user"));
        if (user is null)
        {
            return (null, "'user' must be 1 to 32 letters, digits, spaces, '_', '-' or '.'");
        }

        var id = String(root, "id");
        if (!MessageRules.IsValidId(id))
        {
            return (null, "'id' must be a string of 1 to 64 characters");
        }

        var text = String(root, "text");
        if (text is null)
        {
            return (null, "'text' must be a string");
        }

        if (MessageRules.IsBlank(text))
        {
            return (null, "'text' must not be empty or white space");
        }

        if (MessageRules.IsTooLong(text, maxTextLength))
        {
            return (null, $"text is limited to {maxTextLength} characters");
        }

        return (new PostMessageBody(user, id!, text), null);
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString() : null;
}
