namespace OrleansChat.Grains;

/// <summary>
/// Who is in a room across the whole cluster: for each gateway, the names it has sockets for,
/// and when that gateway's lease runs out. A name is present while any live gateway holds it.
/// Joins and leaves touch one name, so their cost does not grow with the room.
/// </summary>
internal sealed class RoomPresence
{
    private readonly Dictionary<string, GatewayEntry> _gateways = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _holders = new(StringComparer.Ordinal);

    /// <summary>True while any gateway holds a name here.</summary>
    public bool IsEmpty => _gateways.Count == 0;

    /// <summary>When the first gateway lease runs out unless it is renewed; null while nobody is present.</summary>
    public DateTimeOffset? FirstLeaseEnd => IsEmpty ? null : _gateways.Values.Min(g => g.LeaseUntil);

    /// <summary>The present names, each once.</summary>
    public IReadOnlyList<string> Members => [.. _holders.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Adds a name for a gateway; true when the name was not present before (a presence join).</summary>
    public bool Enter(string gateway, string user, DateTimeOffset leaseUntil)
    {
        var entry = Gateway(gateway, leaseUntil);
        return entry.Users.Add(user) && Hold(user);
    }

    /// <summary>Removes a name for a gateway; true when no gateway holds it any more (a presence leave).</summary>
    public bool Exit(string gateway, string user)
    {
        if (!_gateways.TryGetValue(gateway, out var entry) || !entry.Users.Remove(user))
        {
            return false;
        }

        if (entry.Users.Count == 0)
        {
            _gateways.Remove(gateway);
        }

        return Release(user);
    }

    /// <summary>
    /// Extends a gateway's lease and makes its names exactly <paramref name="users"/> (this
    /// rebuilds presence after the room grain moved or restarted). Returns the joins and leaves it caused.
    /// </summary>
    public (List<string> Joined, List<string> Left) Renew(string gateway, IReadOnlyCollection<string> users, DateTimeOffset leaseUntil)
    {
        var entry = Gateway(gateway, leaseUntil);
        var joined = users.Where(u => entry.Users.Add(u) && Hold(u)).ToList();
        var gone = entry.Users.Where(u => !users.Contains(u)).ToList();
        var left = gone.Where(u => entry.Users.Remove(u) && Release(u)).ToList();
        if (entry.Users.Count == 0)
        {
            _gateways.Remove(gateway);
        }

        return (joined, left);
    }

    /// <summary>Drops every gateway whose lease has run out by <paramref name="now"/>; returns the names that left with them.</summary>
    public List<string> Expire(DateTimeOffset now)
    {
        var left = new List<string>();
        foreach (var (gateway, entry) in _gateways.Where(g => g.Value.LeaseUntil <= now).ToList())
        {
            _gateways.Remove(gateway);
            left.AddRange(entry.Users.Where(Release));
        }

        return left;
    }

    private GatewayEntry Gateway(string gateway, DateTimeOffset leaseUntil)
    {
        if (!_gateways.TryGetValue(gateway, out var entry))
        {
            _gateways[gateway] = entry = new GatewayEntry();
        }

        entry.LeaseUntil = leaseUntil;
        return entry;
    }

    private bool Hold(string user)
    {
        _holders[user] = _holders.GetValueOrDefault(user) + 1;
        return _holders[user] == 1;
    }

    private bool Release(string user)
    {
        var left = _holders.GetValueOrDefault(user) - 1;
        if (left > 0)
        {
            _holders[user] = left;
            return false;
        }

        _holders.Remove(user);
        return true;
    }

    private sealed class GatewayEntry
    {
        public HashSet<string> Users { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset LeaseUntil { get; set; }
    }
}
