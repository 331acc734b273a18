namespace OrleansChat;

/// <summary>Why a post was or was not stored; the gateway maps these to the wire's error codes.</summary>
[GenerateSerializer, Alias("chat.post-status")]
public enum PostStatus
{
    /// <summary>Stored now with a new seq.</summary>
    Stored = 0,

    /// <summary>The same (user, id) was stored earlier; the original seq is returned and nothing is stored again.</summary>
    Duplicate = 1,

    /// <summary>The text is longer than the room's limit.</summary>
    TooLong = 2,

    /// <summary>The text is empty or white space, or the id or user is malformed.</summary>
    Invalid = 3,
}
