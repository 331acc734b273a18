using System.Text.Json;

namespace OrleansChat.Cluster.Tests.Load;

/// <summary>
/// Checks a scenario's log against the rooms' stored history: per room, seqs contiguous from 1,
/// no (user, id) twice, every acknowledged message stored with its acknowledged seq; per client,
/// every message of its room received exactly once and in order, from its first join (or its
/// recovery with <c>since</c>) to the room's last seq.
/// </summary>
internal static class HistoryChecker
{
    /// <summary>The problems found; empty when the history is right.</summary>
    public static List<string> Check(IReadOnlyList<LoadClient> clients, IReadOnlyDictionary<string, JsonElement> histories)
    {
        var problems = new List<string>();
        foreach (var (room, history) in histories)
        {
            var stored = history.GetProperty("messages").EnumerateArray()
                .Select(m => (Seq: m.GetProperty("seq").GetInt64(), User: m.GetProperty("user").GetString()!, Id: m.GetProperty("id").GetString()!))
                .ToList();
            for (var i = 0; i < stored.Count; i++)
            {
                if (stored[i].Seq != i + 1)
                {
                    problems.Add($"{room}: seq {stored[i].Seq} at position {i + 1} (seqs not contiguous from 1)");
                    break;
                }
            }

            var bySender = new Dictionary<(string, string), long>();
            foreach (var (seq, user, id) in stored)
            {
                if (!bySender.TryAdd((user, id), seq))
                {
                    problems.Add($"{room}: ({user}, {id}) stored twice, at {bySender[(user, id)]} and {seq}");
                }
            }

            var latest = stored.Count == 0 ? 0 : stored[^1].Seq;
            foreach (var client in clients.Where(c => c.Room == room))
            {
                foreach (var (id, seq, _, _) in client.Acks)
                {
                    if (!bySender.TryGetValue((client.User, id), out var storedSeq))
                    {
                        problems.Add($"{room}: acknowledged ({client.User}, {id}) seq {seq} is not in the history");
                    }
                    else if (storedSeq != seq)
                    {
                        problems.Add($"{room}: ({client.User}, {id}) acknowledged as {seq} but stored as {storedSeq}");
                    }
                }

                var received = client.Received;
                for (var i = 1; i < received.Count; i++)
                {
                    if (received[i] != received[i - 1] + 1)
                    {
                        problems.Add($"{room}: {client.User} received seq {received[i]} after {received[i - 1]}");
                        break;
                    }
                }

                if (received.Count == 0 || received[^1] != latest)
                {
                    problems.Add($"{room}: {client.User} received up to {(received.Count == 0 ? 0 : received[^1])}, the room is at {latest}");
                }
            }
        }

        problems.AddRange(clients.SelectMany(c => c.Problems));
        return problems;
    }
}
