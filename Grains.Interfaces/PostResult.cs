namespace OrleansChat;

/// <summary>The outcome of a post: <see cref="Seq"/> is set when the message is stored (now or earlier).</summary>
[GenerateSerializer, Immutable, Alias("chat.post-result")]
public sealed record PostResult(
    [property: Id(0)] PostStatus Status,
    [property: Id(1)] long Seq)
{
    /// <summary>True when the message is durably stored and <see cref="Seq"/> is its place in the room.</summary>
    public bool IsStored => Status is PostStatus.Stored or PostStatus.Duplicate;
}
