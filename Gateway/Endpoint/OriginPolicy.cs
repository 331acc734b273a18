namespace OrleansChat.Gateway.Endpoint;

/// <summary>
/// Cross-site WebSocket hijacking guard: browsers always send <c>Origin</c> on a WebSocket
/// upgrade, so one that is present must be the gateway's own or a configured one.
/// </summary>
public static class OriginPolicy
{
    /// <summary>True when <paramref name="origin"/> is empty, the gateway's own (<paramref name="own"/>, scheme://host:port) or allowed.</summary>
    public static bool IsAllowed(string? origin, string own, IEnumerable<string> allowed) =>
        string.IsNullOrEmpty(origin)
        || string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
        || allowed.Any(a => string.Equals(origin, a.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
}
