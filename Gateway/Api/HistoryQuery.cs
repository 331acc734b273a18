using System.Globalization;
using OrleansChat.Gateway.Hub;

namespace OrleansChat.Gateway.Api;

/// <summary>
/// The query of <c>GET /api/rooms/{room}/messages</c>: <c>since=N</c> (the first <c>limit</c> after N),
/// <c>before=N</c> (the <c>limit</c> just before N, paging back), neither (the newest <c>limit</c>);
/// <c>limit</c> 1 to 1,000, default 50. Each page is oldest first.
/// </summary>
internal sealed record HistoryQuery(long? Since, long? Before, int Limit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    /// <summary>The query, or the 400's reason; exactly one is non-null.</summary>
    public static (HistoryQuery? Query, string? Error) Parse(IQueryCollection query)
    {
        if (!TryNumber(query, "since", 0, long.MaxValue, out var since, out var error)
            || !TryNumber(query, "before", 1, long.MaxValue, out var before, out error)
            || !TryNumber(query, "limit", 1, MaxLimit, out var limit, out error))
        {
            return (null, error);
        }

        if (since is not null && before is not null)
        {
            return (null, "give 'since' (the messages after a seq) or 'before' (the messages before one), not both");
        }

        return (new HistoryQuery(since, before, (int)(limit ?? DefaultLimit)), null);
    }

    /// <summary>Reads the page from the room's grain.</summary>
    public Task<HistoryPage> ReadAsync(RoomHub hub, string room) =>
        Since is { } since ? hub.HistoryAsync(room, since, Limit)
        : Before is { } before ? hub.HistoryBeforeAsync(room, before, Limit)
        : hub.RecentAsync(room, Limit);

    private static bool TryNumber(IQueryCollection query, string name, long min, long max, out long? value, out string? error)
    {
        (value, error) = (null, null);
        if (!query.TryGetValue(name, out var given))
        {
            return true;
        }

        if (given.Count == 1 && long.TryParse(given[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            value = number;
            return true;
        }

        error = max == long.MaxValue
            ? $"'{name}' must be a whole number of {min} or more, given once"
            : $"'{name}' must be a whole number from {min} to {max}, given once";
        return false;
    }
}
