namespace OrleansChat.Bench.Tests.Infrastructure;

/// <summary>
/// What a <see cref="FaultyChatServer"/> does wrong to one socket, by seq: messages it never sends,
/// messages it holds back until the next one has gone (a swap), messages it sends twice.
/// </summary>
internal sealed record Misdelivery(IReadOnlyList<long> Drop, IReadOnlyList<long> Delay, IReadOnlyList<long> Repeat);
