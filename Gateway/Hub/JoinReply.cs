namespace OrleansChat.Gateway.Hub;

/// <summary>What a join returns: the history to send and whether it covers everything after the client's <c>since</c>.</summary>
public sealed record JoinReply(HistoryPage Page, bool Recovered, IReadOnlyCollection<string> Members);
