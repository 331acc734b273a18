namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// Messages of about 4 KB (carol's, ids m-1, m-2, …) posted straight to a room's grain, to fill the buffers
/// between the gateway and a reader that stopped. How much those buffers take is the machine's to say (the
/// gateway's kernel send buffer alone grows to megabytes: Linux's tcp_wmem allows 4 MB by default), so a
/// test posts until the gateway shows what it waits for rather than a fixed number.
/// </summary>
public static class LargeMessages
{
    /// <summary>About 40 MB: far past any socket's buffers and queue, so a gateway that never gets there is a failure, not a hang.</summary>
    public const int Max = 10_000;

    /// <summary>Posts seq <paramref name="first"/> to <paramref name="last"/>, one after another.</summary>
    public static async Task PostAsync(IClusterClient client, string room, int first, int last)
    {
        var grain = client.GetGrain<IChatRoomGrain>(room);
        for (var i = first; i <= last; i++)
        {
            await grain.PostAsync(new PostRequest("carol", $"m-{i}", new string('z', 3900) + i));
        }
    }

    /// <summary>
    /// Posts in rounds of <paramref name="round"/> until <paramref name="enough"/> (given how many were posted) holds
    /// after a round; returns how many were posted. Past <see cref="Max"/> it fails with <paramref name="notReached"/>.
    /// </summary>
    public static async Task<int> PostUntilAsync(IClusterClient client, string room, Func<int, Task<bool>> enough, string notReached, int round = 100)
    {
        var total = 0;
        while (!await enough(total))
        {
            Assert.True(total < Max, $"{notReached} after {total} messages of 4 KB");
            await PostAsync(client, room, total + 1, total + round);
            total += round;
        }

        return total;
    }
}
