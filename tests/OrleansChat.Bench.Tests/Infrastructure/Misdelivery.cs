namespace OrleansChat.Bench.Tests.Infrastructure;

/// <summary>
/// What a <see cref="FaultyChatServer"/> does wrong to one socket, by seq: messages it never sends,
/// messages it holds back until the next one has gone (a swap), messages it sends twice, the
/// messages of other rooms it also sends to this socket (<paramref name="Leak"/>, by their seq in their
/// room), and messages it sends <see cref="FaultyChatServer.Lateness"/> after their turn (<paramref name="Late"/>).
/// </summary>
internal sealed record Misdelivery(IReadOnlyList<long> Drop, IReadOnlyList<long> Delay, IReadOnlyList<long> Repeat, IReadOnlyList<long>? Leak = null, IReadOnlyList<long>? Late = null);
