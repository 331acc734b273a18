using System.Security.Cryptography;
using System.Text;

namespace OrleansChat.Gateway.Api;

/// <summary>Checks the <c>Authorization: Bearer</c> key of a request that posts over HTTP.</summary>
internal static class ApiKey
{
    /// <summary>
    /// True when the request carries exactly the configured key. Both sides are hashed first, so
    /// the fixed-time comparison also hides the key's length.
    /// </summary>
    public static bool IsPresented(HttpRequest request, string key)
    {
        const string Scheme = "Bearer ";
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(value[Scheme.Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }
}
