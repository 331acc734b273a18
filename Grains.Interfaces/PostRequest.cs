namespace OrleansChat;

/// <summary>A request to store one message; (<see cref="User"/>, <see cref="Id"/>) makes it idempotent.</summary>
[GenerateSerializer, Immutable, Alias("chat.post")]
public sealed record PostRequest(
    [property: Id(0)] string User,
    [property: Id(1)] string Id,
    [property: Id(2)] string Text);
